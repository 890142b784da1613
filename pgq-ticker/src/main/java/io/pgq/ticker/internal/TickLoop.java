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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ticking loop of one database: takes (or waits for) the leadership ({@link Leadership}: a
 * lease row with the pgq-java schema, a session advisory lock on the reference extension) and,
 * while leader, runs a tick pass every tick period, renewing the lease every third of its
 * time, and moves due retry events back into their queues on the same connection
 * ({@link RetryMover}), so that its own writes never look like another session's. Every pass checks the lease in its own transaction, so an instance that lost it (frozen
 * past its expiry, cut off) ticks nothing and turns standby. A database without the pgq schema
 * is waited for: the error of {@code pgq.version()} when taking the lead, or of the tick, says
 * so; no query probes for the schema before each tick. On a graceful stop the leadership is
 * given back at once. Runs on one thread; the accessors may be called from any.
 *
 * <p>Plain JDBC, not jOOQ: the statements run every 10 ms (the tick pass is measured in
 * docs/benchmarks.md). Every statement is its own transaction and no session state is needed,
 * so the loop works through a pooler in transaction mode (the cap on the tick lag travels as an
 * argument of the guarded tick, not as a session setting).
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

    /**
     * Longest time between two tick passes while nothing happens on the server, when the schema
     * does not say when the next queue is due (revision 4 and earlier): idle ticks and lag caps
     * of queues are due by time alone.
     */
    static final Duration QUIET_PASS_PERIOD = Duration.ofSeconds(1);

    /**
     * Longest time between two tick passes while nothing happens on the server, when the schema
     * says when the next queue is due: a safety net only.
     */
    static final Duration LONGEST_QUIET_PERIOD = Duration.ofSeconds(10);

    private final Leadership leadership;
    private final RetryMover retries;
    private final ChangeWatch watch = new ChangeWatch();
    private final PassCost passCost = new PassCost();
    private final SessionWatch sessions = new SessionWatch();
    /** After a change: how long passes go on regardless (the cap on the tick lag, plus a period). */
    private final Duration pendingWindow;
    private long lastChangeNanos = System.nanoTime();
    /** When a pass is due by time alone (the last pass's report, or the fallback period). */
    private long nextDueNanos = System.nanoTime();
    private Connection connection;
    /** The change check, prepared once per connection (it runs every tick period). */
    private PreparedStatement snapshotCheck;
    /** Whether the schema sends the tick notification itself; asked when becoming the leader. */
    private boolean schemaNotifies;
    /** Whether the schema's pgq.ticker() says when the next queue is due (revision 5 and later). */
    private boolean dueReported;
    private boolean warnedNoSchema;

    public TickLoop(String name, DataSource dataSource, TickerConfig config, MetricRegistry metrics) {
        this.name = name;
        this.dataSource = dataSource;
        this.config = config;
        this.ticks = metrics.meter(TickerMetrics.ticks(name));
        this.tickPass = metrics.timer(TickerMetrics.tickPass(name));
        this.leadership = new Leadership(config, name);
        this.retries = new RetryMover(name, config.retryPeriod(), metrics.meter(TickerMetrics.retries(name)));
        this.pendingWindow = config.tickPeriod().plus(config.maxTickLag() == null ? Duration.ZERO : config.maxTickLag());
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
        releaseLeadership();
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
            if (!leadership.renewIfDue(connection)) {
                lostLeadership();
                return true;
            }
            Leadership.Seen renewal = leadership.takeRenewal();
            if (renewal != null) {
                // when something else happened before the renewal too, quiet() looks at the sessions
                watch.rebase(renewal.snapshot(), renewal.ownXid());
            }
            boolean movedRetries = retries.moveIfDue(connection) > 0;
            if (!movedRetries && quiet()) {
                reached();
                sleep(config.tickPeriod());
                return true;
            }
            if (!tick()) {
                lostLeadership();
                return true;
            }
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
        sleep(pause(config.tickPeriod(), spent, passCost.add(spent), config.maxTickDutyCycle()));
        return true;
    }

    /**
     * The database answers but has no pgq schema: not a failure. Leaves the leader lock to
     * whoever finds a schema first and looks again in a while.
     */
    private void waitForSchema() throws SQLException, InterruptedException {
        reached();
        if (leader) {
            leadership.release(connection);
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
            // tracked by poolers (a startup parameter); shows the ticker's sessions in pgq status
            st.execute("SET application_name = 'pgq-ticker'");
        }
    }

    /**
     * Asks the schema what it is (the pgq-java schema has the lease and sends the tick
     * notification itself; the reference extension has neither), then takes the leadership if
     * it is free. Without a schema the first statement fails (see the caller).
     */
    private boolean tryBecomeLeader() throws SQLException {
        String version = scalar("SELECT pgq.version()");
        schemaNotifies = version != null && version.contains("pgq-java");
        dueReported = schemaNotifies && revision(version) >= 5;
        if (!leadership.tryTake(connection, schemaNotifies)) {
            return false;
        }
        if (!schemaNotifies && config.maxTickLag() != null) {
            // reference extension: ignores the setting, and its lock is a session lock anyway
            scalar("SELECT pg_catalog.set_config('pgq.ticker_max_lag', '"
                    + Leadership.micros(config.maxTickLag().toNanos()) + "', false)");
        }
        leader = true;
        role = TickerRole.LEADER;
        LOG.info("Ticker for database {} is now the leader ({})", name, leadership.describe());
        return true;
    }

    /**
     * Whether this period's pass can be skipped: nothing but the ticker's own transactions has
     * happened on the server since the last pass began ({@link ChangeWatch}), and no queue is due
     * by time alone yet: the last pass said when the next one is (schema revision 5 and later;
     * at most {@link #LONGEST_QUIET_PERIOD} ahead); with older schemas, no change was seen within
     * the pending window (recent events wait for their lag cap) and the last pass is less than
     * {@link #QUIET_PASS_PERIOD} old. A change whose look at the database's sessions
     * ({@link SessionWatch}) finds that none of them can have written was elsewhere on the server:
     * its snapshot becomes the reference. With the lease only (pgq-java schema).
     */
    private boolean quiet() throws SQLException {
        long now = System.nanoTime();
        if (!leadership.isLeased() || now - nextDueNanos >= 0) {
            return false;
        }
        if (watch.unchanged(currentSnapshot())) {
            return true;
        }
        // something changed on the server: in this database, or elsewhere (a shared server)?
        SessionWatch.Look look = sessions.look(connection);
        if (look.quiet()) {
            watch.passed(look.snapshot(), null);
            return true;
        }
        lastChangeNanos = now;
        return false;
    }

    private String currentSnapshot() throws SQLException {
        if (snapshotCheck == null) {
            snapshotCheck = connection.prepareStatement("SELECT pg_catalog.pg_current_snapshot()::text");
        }
        try (ResultSet rs = snapshotCheck.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * When the next pass is due by time alone, after a pass that began at {@code start}, from what
     * the pass said ({@code null}: no queue is due by time, none has events) and the safety net.
     */
    private static long reportedDue(long start, Long reportedMillis) {
        long safetyNet = LONGEST_QUIET_PERIOD.toNanos();
        return start + (reportedMillis == null ? safetyNet : Math.min(TimeUnit.MILLISECONDS.toNanos(reportedMillis), safetyNet));
    }

    /** When the next pass is due by time alone with a schema that does not say (revision 4 and older). */
    private long nextDue(long start) {
        if (System.nanoTime() - lastChangeNanos < pendingWindow.toNanos()) {
            return start;
        }
        return start + QUIET_PASS_PERIOD.toNanos();
    }

    /** One guarded tick pass; false when the leadership was lost (nothing was ticked). */
    private boolean tick() throws SQLException {
        Leadership.Pass pass;
        long start = System.nanoTime();
        try (Timer.Context ignored = tickPass.time()) {
            pass = leadership.tick(connection);
        }
        Long ticked = pass.ticked();
        if (ticked == null) {
            return false;
        }
        if (pass.snapshot() != null) {
            watch.passed(pass.snapshot(), pass.ownXid());
        }
        nextDueNanos = dueReported ? reportedDue(start, pass.nextDueMillis()) : nextDue(start);
        if (ticked > 0) {
            ticks.mark(ticked);
            if (config.notifyConsumers() && !schemaNotifies) {
                scalar("SELECT pg_catalog.pg_notify('" + TickerConfig.NOTIFY_CHANNEL + "', '')");
            }
        }
        return true;
    }

    /** The pgq-java schema revision in a version such as {@code 3.5.2-pgq-java.5}; -1 if none. */
    static int revision(String version) {
        try {
            return Integer.parseInt(version.substring(version.lastIndexOf('.') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void lostLeadership() {
        leader = false;
        watch.reset();
        sessions.reset();
        role = TickerRole.STANDBY;
        LOG.warn("Ticker for database {} lost its leadership (expired or taken over: {}); standing by",
                name, leadership.describe());
    }

    /** On a graceful stop: the next leader need not wait for the lease to run out. */
    private void releaseLeadership() {
        if (!leader || connection == null) {
            return;
        }
        try {
            leadership.release(connection);
            LOG.info("Ticker for database {} gave up its leadership", name);
        } catch (SQLException e) {
            LOG.warn("Ticker for database {} could not give up its leadership ({}); a standby takes over when "
                    + "its lease runs out", name, e.getMessage());
        }
    }

    /**
     * After a failed step: the session goes (and with it an advisory lock); a lease stays until
     * it expires, and this instance takes it again at once when it reconnects in time.
     */
    private void onFailure(Throwable failure) {
        boolean wasLeader = leader;
        watch.reset();
        sessions.reset();
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
     * enough that passes costing {@code cost} take no more than {@code dutyCycle} of the time
     * (many queues make a pass slow; the period then stretches instead of the database burning
     * a core on ticks). The cost is a {@link PassCost}: waits of a busy server do not stretch it.
     */
    static Duration pause(Duration period, long spentNanos, long costNanos, double dutyCycle) {
        long rest = period.toNanos() - spentNanos;
        long forDuty = (long) (costNanos * (1 - dutyCycle) / dutyCycle);
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
        snapshotCheck = null;
        sessions.disconnected();
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
