package io.pgq.cli;

import com.codahale.metrics.MetricRegistry;
import io.pgq.core.Health;
import io.pgq.prometheus.PgqMetricsServer;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The {@code --metrics-port} option of the long-running commands: serves {@code /metrics}
 * (Prometheus text format) and {@code /health} (200 or 503 with a JSON reason) through
 * pgq-prometheus's {@link PgqMetricsServer}.
 */
final class MetricsPort {

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve Prometheus /metrics and /health "
            + "(200, or 503 with a JSON reason) over HTTP on this port; 0 picks a free port (printed at start).")
    Integer port;

    /** Checks the value before anything connects. */
    void validate() {
        if (port != null && (port < 0 || port > 65535)) {
            throw new CliException("--metrics-port must be a port number from 0 to 65535, got " + port);
        }
    }

    /**
     * Starts serving when the option was given, and says where on {@code out}; {@code null}
     * otherwise. The caller closes the server.
     */
    PgqMetricsServer start(MetricRegistry metrics, Map<String, Supplier<Health>> checks, PrintStream out) {
        return start(port, metrics, checks, out);
    }

    static PgqMetricsServer start(Integer port, MetricRegistry metrics, Map<String, Supplier<Health>> checks,
                                  PrintStream out) {
        if (port == null) {
            return null;
        }
        PgqMetricsServer.Builder b = PgqMetricsServer.builder(metrics).port(port);
        checks.forEach(b::health);
        PgqMetricsServer server = b.start();
        out.println("Serving /metrics and /health on port " + server.port());
        out.flush();
        return server;
    }
}
