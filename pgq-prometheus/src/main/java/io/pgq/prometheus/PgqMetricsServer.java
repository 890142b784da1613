package io.pgq.prometheus;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import io.pgq.core.Health;
import io.pgq.core.PgqException;
import io.pgq.prometheus.internal.HealthHandler;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server for an application's pgq-java metrics and health:
 * <ul>
 *   <li>{@code GET /metrics}: every metric of the {@code MetricRegistry} in the Prometheus text
 *       format (names as {@link PgqPrometheus} says), written by the Prometheus Java client;</li>
 *   <li>{@code GET /health}: 200 with {@code {"status":"UP",...}} when every health check is
 *       healthy, else 503 with {@code "status":"DOWN"}; {@code checks} has each check's
 *       {@code healthy} and {@code reason}. A check that throws counts as unhealthy, with the
 *       exception as the reason.</li>
 * </ul>
 *
 * <pre>{@code
 * PgqMetricsServer server = PgqMetricsServer.builder(pgq.metrics())
 *         .port(9187)
 *         .health("consumer billing", consumer::health)
 *         .start();
 * ...
 * server.close();
 * }</pre>
 *
 * <p>It serves on two daemon threads ({@code pgq-metrics-http}); {@link #close()} stops it.
 * Thread-safe.
 */
public final class PgqMetricsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PgqMetricsServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private PgqMetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** A server for the metrics of {@code registry}. */
    public static Builder builder(MetricRegistry registry) {
        return new Builder(registry);
    }

    /** The port it listens on (the chosen one when it was started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving; requests in progress get up to one second. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        LOG.info("Stopped the metrics server on port {}", port());
    }

    /** Collects the settings. Not thread-safe. */
    public static final class Builder {
        private final MetricRegistry registry;
        private final Map<String, Supplier<Health>> checks = new LinkedHashMap<>();
        private String host = "0.0.0.0";
        private int port = -1;

        private Builder(MetricRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** The port, 0 for any free one (see {@link PgqMetricsServer#port()}). Required. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The address to listen on (default {@code 0.0.0.0}: every interface). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Adds a health check, e.g. {@code consumer::health} or {@code () -> ticker.isHealthy() ? ...}. */
        public Builder health(String name, Supplier<Health> check) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(check, "check");
            if (checks.putIfAbsent(name, check) != null) {
                throw new IllegalArgumentException("health check '" + name + "' is added twice");
            }
            return this;
        }

        /**
         * Starts serving.
         *
         * @throws PgqException when the address cannot be bound (port in use, unknown host)
         */
        public PgqMetricsServer start() {
            if (port < 0) {
                throw new IllegalArgumentException("set the port (0 for any free one)");
            }
            PrometheusRegistry prometheus = new PrometheusRegistry();
            PgqPrometheus.register(registry, prometheus);
            HttpServer server;
            try {
                server = HttpServer.create(new InetSocketAddress(host, port), 10);
            } catch (IOException e) {
                throw new PgqException("Cannot serve metrics on " + host + ":" + port + ": " + e.getMessage()
                        + "; choose another port (or 0 for any free one)", e);
            }
            ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "pgq-metrics-http");
                t.setDaemon(true);
                return t;
            });
            server.createContext("/metrics", new MetricsHandler(prometheus));
            server.createContext("/health", new HealthHandler(Map.copyOf(checks)));
            server.setExecutor(executor);
            server.start();
            PgqMetricsServer started = new PgqMetricsServer(server, executor);
            LOG.info("Serving /metrics and /health ({} check(s): {}) on {}:{}", checks.size(), checks.keySet(), host,
                    started.port());
            return started;
        }
    }
}
