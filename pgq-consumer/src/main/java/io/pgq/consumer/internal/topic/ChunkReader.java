package io.pgq.consumer.internal.topic;

import io.pgq.consumer.internal.RawEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one batch of a partition in {@code ev_id} order, {@code fetchSize} events at a time,
 * through one cursor ({@code pgq.get_batch_cursor}, then {@code FETCH}) in a read transaction on
 * the worker's connection: the batch is scanned once, not once per chunk. The transaction can be
 * ended at any moment ({@link #close()}, before a retry wait or when it grew old); the next
 * {@link #next} then declares a new cursor over the events after the last one read. {@code ev_data}
 * is kept as the driver's UTF-8 bytes (see {@link RawEvent}). Not
 * thread-safe: confined to the worker's running task.
 */
final class ChunkReader implements AutoCloseable {

    static final String CURSOR = "pgq_topic_batch";
    private static final String OPEN = "select ev_id, ev_time::text, ev_txid, coalesce(ev_retry, 0), ev_type, ev_data, "
            + "ev_extra1, ev_extra2, ev_extra3, ev_extra4 from pgq.get_batch_cursor(?, '" + CURSOR + "', ?, ?)";

    private final Connection connection;
    private final long batchId;
    private final int fetchSize;
    private final String fetch;
    private long lastEvId;
    private boolean open;
    private long openedNanos;

    /** A reader of batch {@code batchId} that starts after event {@code afterEvId} (0: at the start). */
    ChunkReader(Connection connection, long batchId, long afterEvId, int fetchSize) {
        this.connection = connection;
        this.batchId = batchId;
        this.lastEvId = afterEvId;
        this.fetchSize = fetchSize;
        this.fetch = "fetch forward " + fetchSize + " from " + CURSOR;
    }

    /** The next up to {@code fetchSize} events; fewer (or none) once the batch is read. */
    List<RawEvent> next() throws SQLException {
        List<RawEvent> chunk;
        if (open) {
            try (PreparedStatement st = connection.prepareStatement(fetch); ResultSet rs = st.executeQuery()) {
                chunk = read(rs);
            }
        } else {
            connection.setAutoCommit(false);
            open = true;
            openedNanos = System.nanoTime();
            try (PreparedStatement st = connection.prepareStatement(OPEN)) {
                st.setLong(1, batchId);
                st.setInt(2, fetchSize);
                st.setString(3, lastEvId > 0 ? "ev_id > " + lastEvId : null);
                try (ResultSet rs = st.executeQuery()) {
                    chunk = read(rs);
                }
            }
        }
        if (!chunk.isEmpty()) {
            lastEvId = chunk.get(chunk.size() - 1).id();
        }
        return chunk;
    }

    boolean isOpen() {
        return open;
    }

    /** Whether a read transaction is open and older than {@code nanos}. */
    boolean openLongerThan(long nanos) {
        return open && System.nanoTime() - openedNanos > nanos;
    }

    /** Ends the read transaction (if any); the connection is back in auto-commit. */
    @Override
    public void close() throws SQLException {
        if (!open) {
            return;
        }
        open = false;
        try (Statement st = connection.createStatement()) {
            st.execute("close " + CURSOR);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static List<RawEvent> read(ResultSet rs) throws SQLException {
        List<RawEvent> chunk = new ArrayList<>();
        while (rs.next()) {
            chunk.add(new RawEvent(rs.getLong(1), rs.getString(2), RawEvent.NO_MICROS, rs.getLong(3), rs.getInt(4),
                    rs.getString(5), rs.getBytes(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)));
        }
        return chunk;
    }
}
