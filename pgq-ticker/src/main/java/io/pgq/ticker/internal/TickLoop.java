package io.pgq.ticker.internal;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.pgq.ticker.TickerConfig;
import io.pgq.ticker.TickerMetrics;
import io.pgq.ticker.TickerState;
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
 * and, while leader, calls {@code pgq.ticker()} every tick period on that same session.
 */
public final class TickLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TickLoop.class);

    private final String name;
    private final DataSource dataSource;
    private final TickerConfig config;
    private final Meter ticks;
    private final Timer tickPass;
    private final Meter errors;
    private final Backoff backoff = new Backoff();
    private final FailureLog failures;

    private volatile boolean running = true;
    private volatile boolean leader;
    private volatile TickerState state = TickerState.STANDBY;
    private volatile long lastReachedNanos = System.nanoTime();

    private Connection connection;
    private boolean schemaNotifies;
    private boolean warnedNoSchema;

    public TickLoop(String name, DataSource dataSource, TickerConfig config, MetricRegistry metrics) {
        this.name = name;
        this.dataSource = dataSource;
        this.config = config;
        this.ticks = metrics.meter(TickerMetrics.ticks(name));
        this.tickPass = metrics.timer(TickerMetrics.tickPass(name));
        this.errors = metrics.meter(TickerMetrics.errors(name));
        this.failures = new FailureLog(LOG, "ticker for database " + name, config.unhealthyAfter());
    }

    @Override
    public void run() {
        while (running) {
            try {
                step();
                backoff.reset();
                failures.succeeded();
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (SQLException | RuntimeException e) {
                onFailure(e);
            }
        }
        disconnect();
        leader = false;
        state = TickerState.STOPPED;
    }

    private void step() throws SQLException, InterruptedException {
        if (connection == null) {
            connect();
        }
        if (!schemaPresent()) {
            reached();
            sleep(config.leaderCheckPeriod().multipliedBy(4));
            return;
        }
        if (!leader && !tryBecomeLeader()) {
            reached();
            state = TickerState.STANDBY;
            sleep(config.leaderCheckPeriod());
            return;
        }
        long start = System.nanoTime();
        tick();
        reached();
        long spent = System.nanoTime() - start;
        sleep(pause(config.tickPeriod(), spent, config.maxTickDutyCycle()));
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

    private boolean schemaPresent() throws SQLException {
        boolean present = "t".equals(scalar("SELECT exists(SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'pgq')"));
        if (!present && !warnedNoSchema) {
            warnedNoSchema = true;
            LOG.warn("Database {} has no pgq schema: nothing to tick until it is installed ('pgq install')", name);
        }
        if (present && warnedNoSchema) {
            warnedNoSchema = false;
            LOG.info("Database {} has a pgq schema now", name);
        }
        if (present) {
            String version = scalar("SELECT pgq.version()");
            schemaNotifies = version != null && version.contains("pgq-java");
        }
        return present;
    }

    private boolean tryBecomeLeader() throws SQLException {
        if (!"t".equals(scalar("SELECT pg_catalog.pg_try_advisory_lock(" + config.leaderLockKey() + ")"))) {
            return false;
        }
        leader = true;
        state = TickerState.LEADER;
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

    private void onFailure(Exception e) {
        errors.mark();
        boolean wasLeader = leader;
        disconnect();
        leader = false;
        if (isConnectionProblem(e)) {
            state = TickerState.UNREACHABLE;
        } else {
            reached();
        }
        if (wasLeader) {
            LOG.warn("Ticker for database {} gave up leadership after a failure", name);
        }
        failures.failed(e);
        try {
            sleep(backoff.next());
        } catch (InterruptedException interrupted) {
            // stop() interrupts; the loop condition ends the loop
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

    static boolean isConnectionProblem(Exception e) {
        if (e instanceof SQLException s) {
            String state = s.getSQLState() == null ? "" : s.getSQLState();
            return state.startsWith("08") || state.startsWith("57P") || state.equals("53300");
        }
        return false;
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

    public TickerState state() {
        return state;
    }

    public boolean isHealthy() {
        return System.nanoTime() - lastReachedNanos < config.unhealthyAfter().toNanos();
    }
}
