package io.pgq.ticker;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.pgq.core.internal.DataSources;
import io.pgq.core.service.BackgroundService;
import io.pgq.core.service.ServiceState;
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
 * <pre>{@code
 * Ticker ticker = Ticker.builder("orders-db", dataSource)
 *         .config(TickerConfig.defaults())
 *         .metrics(registry)
 *         .build();
 * ticker.start();
 * ...
 * ticker.close();          // stops within TickerConfig.shutdownTimeout()
 * }</pre>
 *
 * <p>Several instances may run against one database: exactly one, the holder of the lease row
 * in {@code pgq.ticker_lease}, ticks, and every tick checks the lease in its own transaction,
 * so an instance that lost it (frozen past its expiry, cut off) cannot tick. This holds through
 * a pooler in transaction mode. When the leader dies, a standby takes over within
 * {@link TickerConfig#leaderLease()} plus {@link TickerConfig#leaderCheckPeriod()}; when it
 * stops, within {@link TickerConfig#leaderCheckPeriod()}. On the reference PgQ extension (no
 * lease table) a session advisory lock elects the leader instead: direct connections only.
 * See docs/design/ticker.md.
 *
 * <p>It follows the {@link BackgroundService} lifecycle: its loops never die from a failure
 * (they count it, log it, back off and carry on), and after {@link TickerConfig#unhealthyAfter()}
 * without reaching the database {@link #isHealthy()} turns false (and the {@code healthy} gauge 0).
 * A database without the pgq schema is not a failure: the ticker waits for it to be installed.
 *
 * <p>Thread-safe. Threads: {@code pgq-ticker-<name>} and {@code pgq-maint-<name>}.
 */
public final class Ticker implements BackgroundService {

    private static final Logger LOG = LoggerFactory.getLogger(Ticker.class);

    private final String name;
    private final DataSource dataSource;
    private final TickerConfig config;
    private final MetricRegistry metrics;
    private volatile ServiceState state = ServiceState.NEW;
    private TickLoop tickLoop;
    private MaintenanceLoop maintenanceLoop;
    private Thread tickThread;
    private Thread maintenanceThread;

    private Ticker(Builder b) {
        this.name = b.name;
        this.dataSource = b.dataSource;
        this.config = b.config;
        this.metrics = b.metrics;
    }

    /**
     * A ticker for the database behind {@code dataSource}; {@code name} identifies it in logs,
     * thread names and metric names (the database's name is a good choice).
     */
    public static Builder builder(String name, DataSource dataSource) {
        return new Builder(name, dataSource);
    }

    /** Logs the configuration, registers the gauges and starts both loops. Once only. */
    @Override
    public synchronized void start() {
        if (state != ServiceState.NEW) {
            throw new IllegalStateException(
                    "ticker " + name + " was already started; it is " + state + ": build a new Ticker");
        }
        LOG.info("Starting ticker {} for {} with configuration: {}", name, DataSources.describe(dataSource), config);
        tickLoop = new TickLoop(name, dataSource, config, metrics);
        maintenanceLoop = new MaintenanceLoop(name, dataSource, config, metrics, tickLoop::isLeader);
        metrics.register(TickerMetrics.leader(name), (Gauge<Integer>) () -> isLeader() ? 1 : 0);
        metrics.register(TickerMetrics.healthy(name), (Gauge<Integer>) () -> isHealthy() ? 1 : 0);
        tickThread = daemon(tickLoop, "pgq-ticker-" + name);
        maintenanceThread = daemon(maintenanceLoop, "pgq-maint-" + name);
        state = ServiceState.RUNNING;
    }

    private static Thread daemon(Runnable body, String threadName) {
        Thread t = new Thread(body, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Stops both loops and waits at most {@code timeout} for them; the tick loop gives its
     * leadership up as it ends. Removes the gauges. True if both loops ended in time.
     */
    @Override
    public boolean stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        synchronized (this) {
            if (state != ServiceState.RUNNING) {
                state = ServiceState.STOPPED;
                return true;
            }
            state = ServiceState.STOPPING;
        }
        tickLoop.stop();
        maintenanceLoop.stop();
        tickThread.interrupt();
        maintenanceThread.interrupt();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean finished = join(tickThread, deadline) & join(maintenanceThread, deadline);
        metrics.remove(TickerMetrics.leader(name));
        metrics.remove(TickerMetrics.healthy(name));
        state = ServiceState.STOPPED;
        if (finished) {
            LOG.info("Stopped ticker {}", name);
        } else {
            LOG.warn("Ticker {} did not stop within {}; its threads are left behind", name, timeout);
        }
        return finished;
    }

    private static boolean join(Thread thread, long deadlineNanos) {
        try {
            thread.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** {@link #stop(Duration)} with {@link TickerConfig#shutdownTimeout()}. */
    @Override
    public void close() {
        stop(config.shutdownTimeout());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ServiceState state() {
        return state;
    }

    /** What the running ticker does in its database; {@link TickerRole#STANDBY} when not running. */
    public TickerRole role() {
        TickLoop loop = tickLoop;
        return state == ServiceState.RUNNING && loop != null ? loop.role() : TickerRole.STANDBY;
    }

    public boolean isLeader() {
        return role() == TickerRole.LEADER;
    }

    /** Running, and the database was reached within {@link TickerConfig#unhealthyAfter()}. */
    @Override
    public boolean isHealthy() {
        return state == ServiceState.RUNNING && tickLoop.isHealthy() && maintenanceLoop.isHealthy();
    }

    public TickerConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "Ticker{name=" + name + ", state=" + state + ", role=" + role() + "}";
    }

    /** Collects the ticker's parts; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final DataSource dataSource;
        private TickerConfig config = TickerConfig.defaults();
        private MetricRegistry metrics = new MetricRegistry();

        private Builder(String name, DataSource dataSource) {
            this.name = Objects.requireNonNull(name, "name");
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** Settings (default {@link TickerConfig#defaults()}). */
        public Builder config(TickerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Where the ticker's metrics go ({@link TickerMetrics}; default a registry of its own). */
        public Builder metrics(MetricRegistry metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        public Ticker build() {
            if (name.isBlank()) {
                throw new IllegalArgumentException("ticker name must not be blank: give the database's name");
            }
            return new Ticker(this);
        }
    }
}
