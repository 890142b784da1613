package io.pgq.ticker.internal;

import com.codahale.metrics.Meter;
import io.pgq.schema.internal.SqlStates;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves due retry events back into their queues ({@code pgq.maint_retry_events()}, up to 10 per
 * call) on the tick loop's own connection, so that the ticker knows its own writes: a move is the
 * tick loop's session, which its idle check ({@link SessionWatch}) leaves out, and a call that moved
 * events is followed by a tick pass at once. One call per {@link #moveIfDue} when due: every
 * retry period, and at once again after a call that moved events (more may be waiting). The call
 * runs in its own transaction with a short {@code lock_timeout}: the function locks the retry
 * queue, and a {@code VACUUM} of it (maintenance) or another mover must not hold up the ticks. A
 * failure other than a lost connection or a missing schema is logged and tried again after a
 * retry period; the tick loop goes on ticking. Not thread-safe; used by the tick loop's thread.
 */
final class RetryMover {

    private static final Logger LOG = LoggerFactory.getLogger(RetryMover.class);

    /** How long a call waits for the retry queue's lock before it gives way to the next pass. */
    static final String LOCK_TIMEOUT = "200ms";

    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final String name;
    private final Duration period;
    private final Meter moved;
    private long nextNanos = System.nanoTime();

    RetryMover(String name, Duration period, Meter moved) {
        this.name = name;
        this.period = period;
        this.moved = moved;
    }

    /**
     * When a move is due: one call of {@code pgq.maint_retry_events()} in its own transaction.
     *
     * @return how many events it moved (0 when none was due, or the lock was busy, or it failed)
     * @throws SQLException when the connection is lost or the pgq schema is missing (the tick
     *                      loop's own conditions)
     */
    int moveIfDue(Connection connection) throws SQLException {
        long now = System.nanoTime();
        if (now - nextNanos < 0) {
            return 0;
        }
        int count = callOnce(connection);
        nextNanos = count > 0 ? now : now + period.toNanos();
        moved.mark(count);
        return count;
    }

    private int callOnce(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            int count;
            try (ResultSet rs = st.executeQuery("SELECT pgq.maint_retry_events()")) {
                count = rs.next() ? rs.getInt(1) : 0;
            }
            connection.commit();
            return count;
        } catch (SQLException e) {
            rollbackQuietly(connection);
            String state = SqlStates.of(e);
            if (SqlStates.isConnectionLost(state) || SqlStates.isMissingSchema(state)) {
                throw e;
            }
            if (LOCK_NOT_AVAILABLE.equals(state)) {
                LOG.debug("Retry queue of database {} is locked (vacuum or another mover); moving retries later", name);
            } else {
                LOG.warn("Could not move retry events of database {} ({}: {}); trying again in {} ms",
                        name, state, e.getMessage(), period.toMillis());
            }
            return 0;
        } finally {
            restoreAutoCommit(connection);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken: the caller's next statement says so
        }
    }

    private static void restoreAutoCommit(Connection connection) throws SQLException {
        if (!connection.isClosed()) {
            connection.setAutoCommit(true);
        }
    }
}
