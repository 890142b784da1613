package io.pgq.ticker.internal;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.pgq.ticker.TickerConfig;
import io.pgq.ticker.TickerMetrics;
import io.pgq.core.internal.ServiceLoop;
import io.pgq.schema.internal.SqlStates;
import io.pgq.ticker.TickerRole;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ticking loop of one database: holds (or waits for) the leader lock on its own session
 * and, while leader, calls {@code pgq.ticker()} every tick period on that same session. A
 * database without the pgq schema is waited for: the error of {@code pgq.version()} when taking
 * the lead, or of the tick, says so; no query probes for the schema before each tick. Runs on
 * one thread; the accessors may be called from any.
 *
 * <p>Plain JDBC, not jOOQ: the statements run every 10 ms on the one session that holds the
 * leader lock (the tick pass is measured in docs/benchmarks.md), and the session settings are
 * set once on it.
 */
public final class TickLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TickLoop.class);

    private final String name;
    private final DataSource dataSource;
    private final TickerConfig config;
    private final Meter ticks;
    private final Timer tickPass;
    private final ServiceLoop loop;

    private volatile boolean running = true;
    private volatile boolean leader;
    private volatile TickerRole role = TickerRole.STANDBY;
    private volatile long lastReachedNanos = System.nanoTime();

    private Connection connection;
    /** Whether the schema sends the tick notification itself; asked when becoming the leader. */
    private boolean schemaNotifies;
    private boolean warnedNoSchema;

    public TickLoop(String name, DataSource dataSource, TickerConfig config, MetricRegistry metrics) {
        this.name = name;
        this.dataSource = dataSource;
        this.config = config;
        this.ticks = metrics.meter(TickerMetrics.ticks(name));
        this.tickPass = metrics.timer(TickerMetrics.tickPass(name));
        this.loop = ServiceLoop.builder("ticker for database " + name, LOG, this::step)
                .stopping(() -> !running)
                .unhealthyAfter(config.unhealthyAfter())
                .errors(metrics.meter(TickerMetrics.errors(name)))
                .onFailure(this::onFailure)
                .build();
    }

    @Override
    public void run() {
        loop.run();
        disconnect();
        leader = false;
        role = TickerRole.STANDBY;
    }

    private boolean step() throws SQLException, InterruptedException {
        if (connection == null) {
            connect();
        }
        long start = System.nanoTime();
        try {
            if (!leader && !tryBecomeLeader()) {
                reached();
                role = TickerRole.STANDBY;
                sleep(config.leaderCheckPeriod());
                return true;
            }
            tick();
        } catch (SQLException e) {
            if (!SqlStates.isMissingSchema(e.getSQLState())) {
                throw e;
            }
            waitForSchema();
            return true;
        }
        reached();
        if (warnedNoSchema) {
            warnedNoSchema = false;
            LOG.info("Database {} has a pgq schema now", name);
        }
        long spent = System.nanoTime() - start;
        sleep(pause(config.tickPeriod(), spent, config.maxTickDutyCycle()));
        return true;
    }

    /**
     * The database answers but has no pgq schema: not a failure. Leaves the leader lock to
     * whoever finds a schema first and looks again in a while.
     */
    private void waitForSchema() throws SQLException, InterruptedException {
        reached();
        if (leader) {
            scalar("SELECT pg_catalog.pg_advisory_unlock(" + config.leaderLockKey() + ")");
            leader = false;
            LOG.info("Ticker for database {} gave up leadership: the pgq schema is gone", name);
        }
        role = TickerRole.STANDBY;
        if (!warnedNoSchema) {
            warnedNoSchema = true;
            LOG.warn("Database {} has no pgq schema: nothing to tick until it is installed ('pgq install')", name);
        }
        sleep(config.leaderCheckPeriod().multipliedBy(4));
    }

    private void connect() throws SQLException {
        connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
            st.execute("SET application_name = 'pgq-ticker'");
            if (config.maxTickLag() != null) {
                st.execute("SET pgq.ticker_max_lag = '" + config.maxTickLag().toNanos() / 1000 + " microseconds'");
            }
        }
    }

    /**
     * Takes the leader lock if free, then asks the schema whether it sends the tick notification
     * itself; without a schema that fails and the lock is given back (see the caller).
     */
    private boolean tryBecomeLeader() throws SQLException {
        if (!"t".equals(scalar("SELECT pg_catalog.pg_try_advisory_lock(" + config.leaderLockKey() + ")"))) {
            return false;
        }
        try {
            String version = scalar("SELECT pgq.version()");
            schemaNotifies = version != null && version.contains("pgq-java");
        } catch (SQLException e) {
            scalar("SELECT pg_catalog.pg_advisory_unlock(" + config.leaderLockKey() + ")");
            throw e;
        }
        leader = true;
        role = TickerRole.LEADER;
        LOG.info("Ticker for database {} is now the leader", name);
        return true;
    }

    private void tick() throws SQLException {
        long ticked;
        try (Timer.Context ignored = tickPass.time(); Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT pgq.ticker()")) {
            rs.next();
            ticked = rs.getLong(1);
        }
        if (ticked > 0) {
            ticks.mark(ticked);
            if (config.notifyConsumers() && !schemaNotifies) {
                scalar("SELECT pg_catalog.pg_notify('" + TickerConfig.NOTIFY_CHANNEL + "', '')");
            }
        }
    }

    /** After a failed step: the session goes, and with it the leader lock. */
    private void onFailure(Throwable failure) {
        boolean wasLeader = leader;
        disconnect();
        leader = false;
        if (SqlStates.isConnectionLost(failure)) {
            role = TickerRole.UNREACHABLE;
        } else {
            reached();
            role = TickerRole.STANDBY;
        }
        if (wasLeader) {
            LOG.warn("Ticker for database {} gave up leadership after a failure", name);
        }
    }

    /**
     * The pause after a pass that took {@code spent}: the rest of the tick period, but at least
     * enough that passes take no more than {@code dutyCycle} of the time (many queues make a
     * pass slow; the period then stretches instead of the database burning a core on ticks).
     */
    static Duration pause(Duration period, long spentNanos, double dutyCycle) {
        long rest = period.toNanos() - spentNanos;
        long forDuty = (long) (spentNanos * (1 - dutyCycle) / dutyCycle);
        return Duration.ofNanos(Math.max(rest, forDuty));
    }

    private void reached() {
        lastReachedNanos = System.nanoTime();
    }

    private String scalar(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the session is gone either way; the server releases the lock with it
            }
            connection = null;
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isNegative() && !d.isZero()) {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        }
    }

    public void stop() {
        running = false;
    }

    public boolean isLeader() {
        return leader;
    }

    public TickerRole role() {
        return role;
    }

    /** The database was reached within the unhealthy threshold and the loop is not failing for longer. */
    public boolean isHealthy() {
        return System.nanoTime() - lastReachedNanos < config.unhealthyAfter().toNanos() && loop.isHealthy();
    }
}
