package io.pgq.consumer.internal.topic;

import io.pgq.consumer.DeliveryMode;
import io.pgq.consumer.internal.BatchCursor;
import io.pgq.consumer.internal.RawEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statements of a group member, each on the connection given (the caller decides the
 * transaction). A refused fencing check (SQLSTATE {@code PGQ01}) becomes a
 * {@link LeaseLostException}. Stateless apart from its identity and whether the schema has
 * {@code pgq_topic.next_batch_events} and {@code pgq_topic.finish_and_next_batch}, and
 * {@code pgq_topic.finish_and_next_batch_events} (each looked up on first use); thread-safe.
 */
final class TopicSql {

    static final String LEASE_LOST = "PGQ01";
    /** SQLSTATE of pgq_topic.join_group for a member configured differently from its group. */
    static final String SETTINGS_MISMATCH = "PGQG1";
    /** Result columns of pgq_topic.next_batch_events after the ten event columns. */
    private static final int BATCH_ID_COLUMN = 11;
    private static final int FIRST_CHUNK_COLUMN = 12;
    private static final int CAUGHT_UP_COLUMN = 13;
    /** What {@link #finishAndNextBatch} returns when it could not look for the next batch. */
    static final long NEXT_UNKNOWN = -1;

    private final String topic;
    private final String group;
    private final String member;
    private final String deliveryMode;
    private final String deadLetterQueue;
    /** Whether the schema has a function (by its signature), for the functions looked up so far. */
    private final Map<String, Boolean> functions = new ConcurrentHashMap<>();

    TopicSql(String topic, String group, String member, DeliveryMode deliveryMode, String deadLetterQueue) {
        this.topic = topic;
        this.group = group;
        this.member = member;
        this.deliveryMode = deliveryMode == DeliveryMode.EXACTLY_ONCE ? "exactly-once" : "at-least-once";
        this.deadLetterQueue = deadLetterQueue;
    }

    /**
     * Joins or renews through {@code pgq_topic.join_group}, which also checks that this member's
     * settings are the group's (SQLSTATE {@link #SETTINGS_MISMATCH} otherwise).
     */
    List<Lease> heartbeat(Connection c, Duration sessionTimeout) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT partition_no, epoch, state, batch_id, done_ev_id "
                + "FROM pgq_topic.join_group(?, ?, ?, make_interval(secs => ?), ?, ?)")) {
            bindMember(st);
            st.setDouble(4, sessionTimeout.toMillis() / 1000.0);
            st.setString(5, deliveryMode);
            st.setString(6, deadLetterQueue);
            List<Lease> leases = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    leases.add(new Lease(rs.getInt(1), rs.getLong(2), "revoke".equals(rs.getString(3)), rs.getLong(4),
                            rs.getLong(5)));
                }
            }
            return leases;
        }
    }

    /**
     * Time until the earliest expiry among the other members of the group, by the database's
     * clock (negative when it has passed); null when the member is alone.
     */
    Duration nextExpiryOfOthers(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select extract(epoch from min(m.expires_at) - clock_timestamp()) "
                + "from pgq_topic.member m where m.topic_name = ? and m.group_name = ? and m.member_id <> ?")) {
            bindMember(st);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                double seconds = rs.getDouble(1);
                return rs.wasNull() ? null : Duration.ofNanos((long) (seconds * 1e9));
            }
        }
    }

    boolean release(Connection c, int partition, long epoch) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pgq_topic.release(?, ?, ?, ?, ?)")) {
            bindMember(st);
            st.setInt(4, partition);
            st.setLong(5, epoch);
            return single(st).getBoolean(1);
        }
    }

    void leave(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pgq_topic.leave(?, ?, ?)")) {
            bindMember(st);
            st.execute();
        }
    }

    /**
     * A batch just opened, with its first events (null when it is to be read through a cursor from
     * its start) and whether it ends at the partition's newest tick (false when unknown).
     */
    record Opened(long batchId, List<RawEvent> firstEvents, boolean caughtUp) {
    }

    /**
     * Opens the group's open or next batch on the partition and reads its first {@code limit}
     * events, in one statement in auto-commit ({@code pgq_topic.next_batch_events}); null when
     * there is no batch yet. Fewer than {@code limit} events: the whole batch. No events (null)
     * when the batch took more event ids than {@code limit}: it is read in one scan through a
     * cursor instead (schemas before revision 8 have no {@code first_chunk} column and always
     * send the first events; before revision 10 no {@code caught_up} column).
     */
    Opened nextBatchEvents(Connection c, int partition, int limit) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT * FROM pgq_topic.next_batch_events(?, ?, ?, 0, ?)")) {
            st.setString(1, topic);
            st.setString(2, group);
            st.setInt(3, partition);
            st.setInt(4, limit);
            return opened(st, limit);
        }
    }

    /**
     * Finishes the batch under the fencing check and opens the partition's next one with its
     * first events, in one statement ({@code pgq_topic.finish_and_next_batch_events}); what
     * {@link #nextBatchEvents} returns for the next batch (null when there is none yet).
     */
    Opened finishAndNextBatchEvents(Connection c, int partition, long epoch, long batchId, int limit) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT * FROM pgq_topic.finish_and_next_batch_events(?, ?, ?, ?, ?, ?, ?)")) {
            bindMember(st);
            st.setInt(4, partition);
            st.setLong(5, epoch);
            st.setLong(6, batchId);
            st.setInt(7, limit);
            return opened(st, limit);
        } catch (SQLException e) {
            throw fencing(e);
        }
    }

    private static Opened opened(PreparedStatement st, int limit) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            long batchId = rs.getLong(BATCH_ID_COLUMN);
            int columns = rs.getMetaData().getColumnCount();
            boolean firstChunk = columns < FIRST_CHUNK_COLUMN || rs.getBoolean(FIRST_CHUNK_COLUMN);
            boolean caughtUp = columns >= CAUGHT_UP_COLUMN && rs.getBoolean(CAUGHT_UP_COLUMN);
            return new Opened(batchId, firstChunk ? BatchCursor.readEvents(rs, limit) : null, caughtUp);
        }
    }

    /** Whether the schema has pgq_topic.finish_and_next_batch_events (revision 10 on). */
    boolean hasFinishAndNextEvents(Connection c) throws SQLException {
        return hasFunction(c, "pgq_topic.finish_and_next_batch_events(text, text, text, int4, int8, int8, int4)");
    }

    /** Whether the schema has pgq_topic.next_batch_events and finish_and_next_batch (added together). */
    boolean hasBatchCalls(Connection c) throws SQLException {
        return hasFunction(c, "pgq_topic.finish_and_next_batch(text, text, text, int4, int8, int8)");
    }

    private boolean hasFunction(Connection c, String signature) throws SQLException {
        Boolean known = functions.get(signature);
        if (known == null) {
            try (PreparedStatement st = c.prepareStatement("SELECT pg_catalog.to_regprocedure(?) IS NOT NULL")) {
                st.setString(1, signature);
                known = single(st).getBoolean(1);
            }
            functions.put(signature, known);
        }
        return known;
    }

    /** The open or next batch of the group on the partition; 0 when there is none yet. */
    long nextBatch(Connection c, int partition) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pgq.next_batch(?, ?)")) {
            st.setString(1, io.pgq.core.TopicRouting.partitionQueue(topic, partition));
            st.setString(2, group);
            return single(st).getLong(1);
        }
    }

    void saveProgress(Connection c, int partition, long epoch, long batchId, long evId) throws SQLException {
        fenced(c, "SELECT pgq_topic.save_progress(?, ?, ?, ?, ?, ?, ?)", partition, epoch, batchId, evId);
    }

    void finishBatch(Connection c, int partition, long epoch, long batchId) throws SQLException {
        fenced(c, "SELECT pgq_topic.finish_batch(?, ?, ?, ?, ?, ?)", partition, epoch, batchId, null);
    }

    /**
     * Finishes the batch and opens the partition's next one in the same transaction
     * ({@code pgq_topic.finish_and_next_batch}); returns its id, 0 when there is none yet. Returns
     * {@link #NEXT_UNKNOWN} after a plain {@link #finishBatch} on a schema without that function.
     */
    long finishAndNextBatch(Connection c, int partition, long epoch, long batchId) throws SQLException {
        if (!hasBatchCalls(c)) {
            finishBatch(c, partition, epoch, batchId);
            return NEXT_UNKNOWN;
        }
        try (PreparedStatement st = c.prepareStatement("SELECT pgq_topic.finish_and_next_batch(?, ?, ?, ?, ?, ?)")) {
            bindMember(st);
            st.setInt(4, partition);
            st.setLong(5, epoch);
            st.setLong(6, batchId);
            return single(st).getLong(1);
        } catch (SQLException e) {
            throw fencing(e);
        }
    }

    void deadLetter(Connection c, String deadLetterQueue, String queue, RawEvent e, String envelope, String shortReason)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pgq.insert_event(?, ?, ?, ?, ?, ?, ?)")) {
            st.setString(1, deadLetterQueue);
            st.setString(2, e.type());
            st.setString(3, envelope);
            st.setString(4, queue);
            st.setString(5, group);
            st.setString(6, Long.toString(e.id()));
            st.setString(7, shortReason);
            st.execute();
        }
    }

    private void fenced(Connection c, String sql, int partition, long epoch, long batchId, Long evId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            bindMember(st);
            st.setInt(4, partition);
            st.setLong(5, epoch);
            st.setLong(6, batchId);
            if (evId != null) {
                st.setLong(7, evId);
            }
            st.execute();
        } catch (SQLException e) {
            throw fencing(e);
        }
    }

    /** A refused fencing check as a {@link LeaseLostException}, any other failure as it is. */
    private static SQLException fencing(SQLException e) {
        if (LEASE_LOST.equals(e.getSQLState())) {
            throw new LeaseLostException(e.getMessage(), e);
        }
        return e;
    }

    private void bindMember(PreparedStatement st) throws SQLException {
        st.setString(1, topic);
        st.setString(2, group);
        st.setString(3, member);
    }

    private static ResultSet single(PreparedStatement st) throws SQLException {
        ResultSet rs = st.executeQuery();
        rs.next();
        return rs;
    }
}
