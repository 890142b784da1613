package io.pgq.consumer.internal;

import io.pgq.consumer.DeadLetter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The errors of earlier attempts of retried events, kept in {@code pgq.event_failure} through
 * {@code pgq._java_record_failures} and {@code pgq._java_take_failures} (pgq-java schema
 * revision 4 and later; absent on the reference PgQ, where dead letters carry only the last
 * error). Calls run in the batch's transaction. Stateless.
 */
final class FailureHistory {

    private static final String AVAILABLE =
            "SELECT to_regprocedure('pgq._java_take_failures(bigint, text, text, bigint[])') IS NOT NULL";
    private static final String RECORD =
            "SELECT pgq._java_record_failures(?, ?, ?, ?::bigint[], ?::int4[], ?::text[])";
    private static final String TAKE =
            "SELECT ev_id, attempt, failed_at, error FROM pgq._java_take_failures(?, ?, ?, ?::bigint[])";

    private FailureHistory() {
    }

    /** Whether the database keeps failure histories. */
    static boolean available(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(AVAILABLE); ResultSet rs = st.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    static void record(Connection c, long batchId, String queue, String consumer, List<Long> ids, List<Integer> attempts,
                       List<String> errors) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(RECORD)) {
            st.setLong(1, batchId);
            st.setString(2, queue);
            st.setString(3, consumer);
            st.setArray(4, c.createArrayOf("bigint", ids.toArray()));
            st.setArray(5, c.createArrayOf("int4", attempts.toArray()));
            st.setArray(6, c.createArrayOf("text", errors.toArray()));
            st.executeQuery().close();
        }
    }

    /** Removes the kept errors of {@code ids} and returns them by event id, oldest attempt first. */
    static Map<Long, List<DeadLetter.Attempt>> take(Connection c, long batchId, String queue, String consumer,
                                                     List<Long> ids) throws SQLException {
        Map<Long, List<DeadLetter.Attempt>> out = new HashMap<>();
        try (PreparedStatement st = c.prepareStatement(TAKE)) {
            st.setLong(1, batchId);
            st.setString(2, queue);
            st.setString(3, consumer);
            st.setArray(4, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new DeadLetter.Attempt(rs.getInt(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4)));
                }
            }
        }
        return out;
    }
}
