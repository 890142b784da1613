package io.pgq.consumer.internal.topic;

import io.pgq.consumer.internal.BatchCursor;
import io.pgq.consumer.internal.RawEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads one batch of a partition in {@code ev_id} order, {@code fetchSize} events at a time,
 * through one cursor (a {@link BatchCursor}, as the plain consumer reads) in a read transaction
 * on the worker's connection: the batch is scanned once, not once per chunk. The transaction
 * can be ended at any moment ({@link #close()}, before a retry wait or when it grew old); the
 * next {@link #next} then declares a new cursor over the events after the last one read. Not
 * thread-safe: confined to the worker's running task.
 */
final class ChunkReader implements AutoCloseable {

    private final Connection connection;
    private final long batchId;
    private final int fetchSize;
    private long lastEvId;
    private BatchCursor cursor;
    private long openedNanos;

    /** A reader of batch {@code batchId} that starts after event {@code afterEvId} (0: at the start). */
    ChunkReader(Connection connection, long batchId, long afterEvId, int fetchSize) {
        this.connection = connection;
        this.batchId = batchId;
        this.lastEvId = afterEvId;
        this.fetchSize = fetchSize;
    }

    /** The next up to {@code fetchSize} events; fewer (or none) once the batch is read. */
    List<RawEvent> next() throws SQLException {
        if (cursor == null) {
            connection.setAutoCommit(false);
            cursor = new BatchCursor(connection, batchId, fetchSize, lastEvId);
            openedNanos = System.nanoTime();
        }
        List<RawEvent> chunk = cursor.next();
        if (!chunk.isEmpty()) {
            lastEvId = chunk.get(chunk.size() - 1).id();
        }
        return chunk;
    }

    boolean isOpen() {
        return cursor != null;
    }

    /** Whether a read transaction is open and older than {@code nanos}. */
    boolean openLongerThan(long nanos) {
        return cursor != null && System.nanoTime() - openedNanos > nanos;
    }

    /** Ends the read transaction (if any); the connection is back in auto-commit. */
    @Override
    public void close() throws SQLException {
        if (cursor == null) {
            return;
        }
        BatchCursor c = cursor;
        cursor = null;
        try {
            c.close();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
