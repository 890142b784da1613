package io.pgq.consumer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * The statements of a plain consumer's lease row ({@code pgq.consumer_lease}, pgq-java schema
 * revision 5 and later), each on the connection given, in the caller's transaction. Thread-safe.
 */
final class LeaseSql {

    /** SQLSTATE of a refused fencing check: the lease is held by another instance now. */
    static final String LEASE_LOST = "PGQ01";
    private static final String TAKE = "pgq._consumer_lease_take(text, text, text, interval)";

    /** The outcome of a take: the epoch held ({@code null}: not held) and the holder as it is now. */
    record Claim(Long epoch, String holder, OffsetDateTime until) {
    }

    private final String queue;
    private final String consumer;
    private final String owner;

    LeaseSql(String queue, String consumer, String owner) {
        this.queue = queue;
        this.consumer = consumer;
        this.owner = owner;
    }

    /** Whether the database has the lease functions (else the reference PgQ or an older schema). */
    static boolean available(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_catalog.to_regprocedure(?) IS NOT NULL")) {
            st.setString(1, TAKE);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    Claim take(Connection c, Duration lease) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT epoch, holder, expires_at FROM pgq._consumer_lease_take(?, ?, ?, ?::interval)")) {
            bind(st);
            st.setString(4, Poller.interval(lease));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new Claim(rs.getObject(1, Long.class), rs.getString(2), rs.getObject(3, OffsetDateTime.class));
            }
        }
    }

    boolean release(Connection c, long epoch) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pgq._consumer_lease_release(?, ?, ?, ?)")) {
            bind(st);
            st.setLong(4, epoch);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * {@code pgq.finish_batch} under the lease at {@code epoch}, in the caller's transaction: 1, or
     * 0 when the batch is no longer open. Throws SQLSTATE {@link #LEASE_LOST} when another instance
     * holds the lease now (the transaction is then aborted).
     */
    int finishBatch(Connection c, long epoch, long batchId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pgq._consumer_lease_finish_batch(?, ?, ?, ?, ?)")) {
            bind(st);
            st.setLong(4, epoch);
            st.setLong(5, batchId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void bind(PreparedStatement st) throws SQLException {
        st.setString(1, queue);
        st.setString(2, consumer);
        st.setString(3, owner);
    }
}
