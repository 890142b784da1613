package io.pgq.consumer.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The fallback of a plain consumer's lease where the database has no lease table (the reference
 * PgQ extension, or a pgq-java schema before revision 5): a session advisory lock on a key
 * derived from queue and consumer, held on one dedicated connection. Correct on direct
 * connections only (a pooler in transaction mode hands the session to others), and it does not
 * fence: a batch in hand is still finished after the lock's connection was lost. Used by the
 * lease's one thread; not thread-safe.
 */
final class SessionLock implements AutoCloseable {

    private final DataSource dataSource;
    private final long key;
    private Connection connection;

    SessionLock(DataSource dataSource, String queue, String consumer) {
        this.dataSource = dataSource;
        this.key = key(queue, consumer);
    }

    /** The lock key: the first 8 bytes of md5("pgq-java consumer <queue>/<consumer>"). */
    static long key(String queue, String consumer) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5")
                    .digest(("pgq-java consumer " + queue + "/" + consumer).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(md5).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    /** Takes the lock if free (true), or checks that the session holding it is still there. */
    boolean tryLock() throws SQLException {
        if (connection != null) {
            if (connection.isValid(5)) {
                return true;
            }
            close();
            return false;
        }
        Connection c = dataSource.getConnection();
        c.setAutoCommit(true);
        if (queryBoolean(c, "SELECT pg_catalog.pg_try_advisory_lock(" + key + ")")) {
            connection = c;
            return true;
        }
        c.close();
        return false;
    }

    /** Whether this instance holds the lock (as far as it knows). */
    boolean held() {
        return connection != null;
    }

    /** Who holds the lock, for the log: the session's process and application name. */
    String holder(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 'session ' || l.pid || coalesce(' ('"
                + " || nullif(a.application_name, '') || ')', '') FROM pg_catalog.pg_locks l"
                + " LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                + " AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())"
                + " AND l.classid = ?::bigint::oid AND l.objid = ?::bigint::oid LIMIT 1")) {
            st.setLong(1, key >>> 32);
            st.setLong(2, key & 0xffffffffL);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : "another session";
            }
        }
    }

    /** Gives the lock up and returns its connection (a lost session has given it up anyway). */
    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try (c) {
                queryBoolean(c, "SELECT pg_catalog.pg_advisory_unlock(" + key + ")");
            } catch (SQLException | RuntimeException e) {
                // the server releases the lock when the session ends in any case
            }
        }
    }

    private static boolean queryBoolean(Connection c, String sql) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
