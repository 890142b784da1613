package io.pgq.consumer.internal;

import io.pgq.consumer.ConsumerConfig;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * Asks for the next batch: {@code pgq.next_batch_custom} for a plain consumer,
 * {@code pgq_coop.next_batch_custom} with the session timeout as dead interval for a group
 * member. For a member, the same statement also returns the group's members and who owned the
 * returned batch just before (a take-over), read with the statement's snapshot, i.e. before
 * the call changed anything. One round trip, in autocommit (the batch is opened and committed
 * before it is read). Thread-safe.
 *
 * <p>Plain JDBC, not jOOQ: one of the consume hot path's statements, run between every two
 * batches (docs/benchmarks.md); prepared once per connection.
 */
final class Poller {

    private static final String NEXT = "SELECT batch_id FROM pgq.next_batch_custom(?, ?, ?::interval, ?, ?::interval)";
    private static final String NEXT_MEMBER = """
            WITH members AS MATERIALIZED (
                SELECT c.co_name, s.sub_batch
                  FROM pgq.subscription s
                  JOIN pgq.consumer c ON c.co_id = s.sub_consumer
                  JOIN pgq.subscription m ON m.sub_queue = s.sub_queue AND m.sub_id = s.sub_id
                                         AND m.sub_consumer <> s.sub_consumer
                  JOIN pgq.consumer mc ON mc.co_id = m.sub_consumer
                  JOIN pgq.queue q ON q.queue_id = s.sub_queue
                 WHERE q.queue_name = ? AND mc.co_name = ?
            ), taken AS MATERIALIZED (
                SELECT pgq_coop.next_batch_custom(?, ?, ?, ?::interval, ?, ?::interval, ?::interval) AS batch_id
            )
            SELECT t.batch_id,
                   (SELECT m.co_name FROM members m WHERE m.sub_batch = t.batch_id LIMIT 1),
                   ARRAY(SELECT m.co_name FROM members m ORDER BY 1),
                   statement_timestamp()
              FROM taken t""";

    /** A batch (or none), and for a member the group as it was before the call. */
    record Result(Long batchId, String previousOwner, List<String> members, OffsetDateTime takenAt) {
    }

    private final ConsumerConfig config;

    Poller(ConsumerConfig config) {
        this.config = config;
    }

    Result next(Connection c, String member) throws SQLException {
        return member == null ? nextPlain(c) : nextMember(c, member);
    }

    private Result nextPlain(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(NEXT)) {
            st.setString(1, config.queue());
            st.setString(2, config.consumer());
            setKnobs(st, 3);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                return new Result(rs.wasNull() ? null : id, null, List.of(), null);
            }
        }
    }

    private Result nextMember(Connection c, String member) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(NEXT_MEMBER)) {
            st.setString(1, config.queue());
            st.setString(2, config.consumer());
            st.setString(3, config.queue());
            st.setString(4, config.consumer());
            st.setString(5, member);
            setKnobs(st, 6);
            st.setString(9, interval(config.sessionTimeout()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                Long batch = rs.wasNull() ? null : id;
                Array members = rs.getArray(3);
                return new Result(batch, rs.getString(2), Arrays.asList((String[]) members.getArray()),
                        rs.getObject(4, OffsetDateTime.class));
            }
        }
    }

    /** min_lag, min_count, min_interval from {@code index} on. */
    private void setKnobs(PreparedStatement st, int index) throws SQLException {
        st.setString(index, interval(config.batchMinLag()));
        if (config.batchMinCount() == null) {
            st.setNull(index + 1, Types.INTEGER);
        } else {
            st.setInt(index + 1, config.batchMinCount());
        }
        st.setString(index + 2, interval(config.batchMinInterval()));
    }

    static String interval(Duration d) {
        return d == null ? null : (d.toNanos() / 1000) + " microseconds";
    }
}
