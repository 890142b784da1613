package io.pgq.ticker.internal;

import io.pgq.ticker.TickerConfig;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Who may tick, and the guarded tick itself. With the pgq-java schema a lease row
 * ({@code pgq.ticker_lease}: owner, epoch, expiry), taken, renewed and checked by statements
 * that are each one transaction, so it holds through a pooler in transaction mode; every tick
 * runs in {@code pgq._ticker_leased()}, which checks owner and epoch in the tick's own
 * transaction. On the reference PgQ extension, which has no lease table, a session advisory
 * lock (direct connections only). Used by the tick loop's one thread; not thread-safe.
 */
final class Leadership {

    private final TickerConfig config;
    private final String owner;
    private boolean leased;
    private long epoch;
    private long renewAtNanos;
    private Seen renewal;

    Leadership(TickerConfig config, String name) {
        this.config = config;
        this.owner = name + " " + ManagementFactory.getRuntimeMXBean().getName() + " "
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This instance's identity in the lease row: ticker name, JVM (pid@host) and a random part. */
    String owner() {
        return owner;
    }

    /** For log lines: the lease held (owner and epoch), or the advisory lock. */
    String describe() {
        return leased ? "lease of " + owner + ", epoch " + epoch : "advisory lock " + config.leaderLockKey();
    }

    /** Takes the lease (pgq-java schema) or the advisory lock (reference extension) if free. */
    boolean tryTake(Connection c, boolean pgqJavaSchema) throws SQLException {
        leased = pgqJavaSchema;
        if (!leased) {
            return queryBoolean(c, "SELECT pg_catalog.pg_try_advisory_lock(" + config.leaderLockKey() + ")");
        }
        Long taken = take(c);
        if (taken == null) {
            return false;
        }
        epoch = taken;
        return true;
    }

    /** Renews the lease when a third of it has passed; false when it was lost meanwhile. */
    boolean renewIfDue(Connection c) throws SQLException {
        if (!leased || System.nanoTime() - renewAtNanos < 0) {
            return true;
        }
        Long taken = take(c);
        return taken != null && taken == epoch;
    }

    /**
     * What the last renewal's transaction saw (its snapshot and own xid), once: the tick loop
     * tells it to its {@link ChangeWatch} so that the renewal itself does not count as a change.
     * {@code null} when no renewal happened since the last call.
     */
    Seen takeRenewal() {
        Seen seen = renewal;
        renewal = null;
        return seen;
    }

    /** A transaction of the ticker's own: the snapshot it started from and its xid (null: wrote nothing). */
    record Seen(String snapshot, Long ownXid) {
    }

    /**
     * One tick pass. {@code ticked} is the number of queues ticked, or {@code null} when the
     * lease is no longer this instance's (nothing was ticked); with the lease, {@code snapshot}
     * and {@code ownXid} tell a {@link ChangeWatch} what the pass saw (both {@code null} on the
     * reference extension); {@code nextDueMillis} is when the next queue becomes due by time
     * alone, as {@code pgq.ticker()} of schema revision 5 and later reports it ({@code null}:
     * not reported, or no queue).
     */
    record Pass(Long ticked, String snapshot, Long ownXid, Long nextDueMillis) {
    }

    Pass tick(Connection c) throws SQLException {
        if (!leased) {
            try (PreparedStatement st = c.prepareStatement("SELECT pgq.ticker()"); ResultSet rs = st.executeQuery()) {
                rs.next();
                return new Pass(rs.getLong(1), null, null, null);
            }
        }
        try (PreparedStatement st = c.prepareStatement(
                "SELECT ticked, snapshot, own_xid, pg_catalog.current_setting('pgq.ticker_next_due', true)"
                        + " FROM pgq._ticker_leased(?, ?, ?, ?::interval)")) {
            st.setLong(1, config.leaderLockKey());
            st.setString(2, owner);
            st.setLong(3, epoch);
            st.setString(4, config.maxTickLag() == null ? null : micros(config.maxTickLag().toNanos()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new Pass(rs.getObject(1, Long.class), rs.getString(2), rs.getObject(3, Long.class),
                        millis(rs.getString(4)));
            }
        }
    }

    /** Whether leadership is the lease (pgq-java schema), which reports what each pass saw. */
    boolean isLeased() {
        return leased;
    }

    /** Gives the leadership up at once, so that a standby takes over at its next try. */
    void release(Connection c) throws SQLException {
        if (!leased) {
            queryBoolean(c, "SELECT pg_catalog.pg_advisory_unlock(" + config.leaderLockKey() + ")");
            return;
        }
        try (PreparedStatement st = c.prepareStatement("SELECT pgq._ticker_lease_release(?, ?, ?)")) {
            st.setLong(1, config.leaderLockKey());
            st.setString(2, owner);
            st.setLong(3, epoch);
            st.executeQuery().close();
        }
    }

    private Long take(Connection c) throws SQLException {
        long now = System.nanoTime();
        // the snapshot is the statement's (taken before the function runs), the xid the renewal's
        try (PreparedStatement st = c.prepareStatement("SELECT pgq._ticker_lease_take(?, ?, ?::interval),"
                + " pg_catalog.txid_current_if_assigned(), pg_catalog.pg_current_snapshot()::text")) {
            st.setLong(1, config.leaderLockKey());
            st.setString(2, owner);
            st.setString(3, micros(config.leaderLease().toNanos()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long taken = rs.getLong(1);
                if (rs.wasNull()) {
                    return null;
                }
                renewAtNanos = now + config.leaderLease().toNanos() / 3;
                renewal = new Seen(rs.getString(3), rs.getObject(2, Long.class));
                return taken;
            }
        }
    }

    /** The pass's pgq.ticker_next_due (milliseconds), or null when the schema left none. */
    private static Long millis(String setting) {
        if (setting == null || setting.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(setting);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String micros(long nanos) {
        return nanos / 1000 + " microseconds";
    }

    private static boolean queryBoolean(Connection c, String sql) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
