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
 * next {@link #next} then declares a new cursor over the events after the last one read. The
 * cursor needs no {@code CLOSE}: it closes with its transaction. The statement that finishes the
 * batch runs in the read transaction still open ({@link #endWith}), so one commit ends both. Not
 * thread-safe: confined to the worker's running task.
 */
final class ChunkReader implements AutoCloseable {

    private final Connection connection;
    private final long batchId;
    private final int fetchSize;
    private long lastEvId;
    private BatchCursor cursor;
    private long openedNanos;
    private List<RawEvent> firstChunk;
    private long eventsRead;

    /** A reader of batch {@code batchId} that starts after event {@code afterEvId} (0: at the start). */
    ChunkReader(Connection connection, long batchId, long afterEvId, int fetchSize) {
        this(connection, batchId, afterEvId, fetchSize, null);
    }

    /**
     * A reader of batch {@code batchId} whose first chunk (up to {@code fetchSize} events from the
     * start) was read already, outside a transaction: a cursor after its last event reads the rest,
     * if it was full.
     */
    ChunkReader(Connection connection, long batchId, int fetchSize, List<RawEvent> firstChunk) {
        this(connection, batchId, 0, fetchSize, firstChunk);
    }

    private ChunkReader(Connection connection, long batchId, long afterEvId, int fetchSize, List<RawEvent> firstChunk) {
        this.connection = connection;
        this.batchId = batchId;
        this.lastEvId = afterEvId;
        this.fetchSize = fetchSize;
        this.firstChunk = firstChunk;
    }

    /** The next up to {@code fetchSize} events; fewer (or none) once the batch is read. */
    List<RawEvent> next() throws SQLException {
        if (firstChunk != null) {
            List<RawEvent> chunk = firstChunk;
            firstChunk = null;
            if (!chunk.isEmpty()) {
                lastEvId = chunk.get(chunk.size() - 1).id();
            }
            eventsRead += chunk.size();
            return chunk;
        }
        if (cursor == null) {
            connection.setAutoCommit(false);
            cursor = new BatchCursor(connection, batchId, fetchSize, lastEvId);
            openedNanos = System.nanoTime();
        }
        List<RawEvent> chunk = cursor.next();
        if (!chunk.isEmpty()) {
            lastEvId = chunk.get(chunk.size() - 1).id();
        }
        eventsRead += chunk.size();
        return chunk;
    }

    /** How many events {@link #next} returned so far. */
    long eventsRead() {
        return eventsRead;
    }

    long batchId() {
        return batchId;
    }

    boolean isOpen() {
        return cursor != null;
    }

    /** Whether a read transaction is open and older than {@code nanos}. */
    boolean openLongerThan(long nanos) {
        return cursor != null && System.nanoTime() - openedNanos > nanos;
    }

    /** A statement that ends the batch. */
    interface Last {
        long run() throws SQLException;
    }

    /**
     * Runs {@code last} in the read transaction when one is open (in auto-commit otherwise) and
     * commits it with the transaction; when it fails the transaction is rolled back. Returns its
     * result.
     */
    long endWith(Last last) throws SQLException {
        if (cursor == null) {
            return last.run();
        }
        long result;
        try {
            result = last.run();
        } catch (SQLException | RuntimeException e) {
            cursor = null;
            try {
                connection.rollback();
            } finally {
                connection.setAutoCommit(true);
            }
            throw e;
        }
        close();
        return result;
    }

    /** Ends the read transaction (if any) and with it the cursor; the connection is back in auto-commit. */
    @Override
    public void close() throws SQLException {
        if (cursor == null) {
            return;
        }
        cursor = null;
        try {
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
