package io.pgq.ticker;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.pgq.ticker.internal.MaintenanceLoop;
import io.pgq.ticker.internal.TickLoop;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ticker and maintenance daemon for one database: ticks ({@code pgq.ticker()}), moves due
 * retry events back ({@code pgq.maint_retry_events()}) and runs maintenance
 * ({@code pgq.maint_operations()}: rotation steps 1 and 2 in separate transactions, vacuum).
 * Works with the pgq-java schema and with the reference PgQ extension.
 *
 * <p>Several instances may run against one database: exactly one, the holder of a session-level
 * advisory lock, ticks; ticks run on the connection that holds the lock, so an instance that
 * lost its connection cannot tick. When the leader dies or its connection is cut, a standby
 * takes over within {@link TickerConfig#leaderCheckPeriod()} of the server noticing.
 *
 * <p>The loops never die from one failure: they log it with the database name, count it, back
 * off and carry on. After {@link TickerConfig#unhealthyAfter()} without reaching the database
 * {@link #isHealthy()} turns false (and the {@code healthy} gauge 0).
 *
 * <p>Thread-safe. Threads: {@code pgq-ticker-<name>} and {@code pgq-maint-<name>}.
 */
public final class Ticker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Ticker.class);

    private final String name;
    private final TickLoop tickLoop;
    private final MaintenanceLoop maintenanceLoop;
    private final Thread tickThread;
    private final Thread maintenanceThread;
    private volatile boolean started;

    private Ticker(String name, DataSource dataSource, TickerConfig config, MetricRegistry metrics) {
        this.name = name;
        this.tickLoop = new TickLoop(name, dataSource, config, metrics);
        this.maintenanceLoop = new MaintenanceLoop(name, dataSource, config, metrics, tickLoop::isLeader);
        this.tickThread = new Thread(tickLoop, "pgq-ticker-" + name);
        this.maintenanceThread = new Thread(maintenanceLoop, "pgq-maint-" + name);
        tickThread.setDaemon(true);
        maintenanceThread.setDaemon(true);
        metrics.register(TickerMetrics.leader(name), (Gauge<Integer>) () -> isLeader() ? 1 : 0);
        metrics.register(TickerMetrics.healthy(name), (Gauge<Integer>) () -> isHealthy() ? 1 : 0);
    }

    /**
     * A ticker for the database behind {@code dataSource}; {@code name} identifies it in logs,
     * thread names and metric names. Nothing happens until {@link #start()}.
     */
    public static Ticker create(String name, DataSource dataSource, TickerConfig config, MetricRegistry metrics) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(metrics, "metrics");
        if (name.isBlank()) {
            throw new IllegalArgumentException("ticker name must not be blank");
        }
        return new Ticker(name, dataSource, config, metrics);
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("ticker " + name + " was already started");
        }
        started = true;
        LOG.info("Starting ticker for database {}", name);
        tickThread.start();
        maintenanceThread.start();
    }

    /** Stops both loops, waiting at most {@code timeout}; releases the leader lock. */
    public void stop(Duration timeout) {
        tickLoop.stop();
        maintenanceLoop.stop();
        tickThread.interrupt();
        maintenanceThread.interrupt();
        long deadline = System.nanoTime() + timeout.toNanos();
        join(tickThread, deadline);
        join(maintenanceThread, deadline);
        LOG.info("Stopped ticker for database {}", name);
    }

    private static void join(Thread thread, long deadlineNanos) {
        try {
            thread.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    public String name() {
        return name;
    }

    public TickerState state() {
        return started ? tickLoop.state() : TickerState.NEW;
    }

    public boolean isLeader() {
        return tickLoop.isLeader();
    }

    /** False after {@link TickerConfig#unhealthyAfter()} without reaching the database. */
    public boolean isHealthy() {
        return tickLoop.isHealthy();
    }
}
