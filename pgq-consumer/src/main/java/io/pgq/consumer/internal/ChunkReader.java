package io.pgq.consumer.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out the chunks of a batch from its {@link BatchCursor}. A prefetching reader fetches the
 * next chunk on a fetch thread while the caller handles the current one, so that the database's
 * work for chunk n+1 (the FETCH round trip, the driver reading the rows) overlaps with decoding
 * and dispatching chunk n; a synchronous reader fetches on the caller's thread, as the cursor
 * alone does. At most two chunks are in memory: the one handed out and the one being fetched.
 *
 * <p>A JDBC connection must not be used by two threads at once, so prefetching is only for a
 * caller that, while a fetch may be in flight, does not touch the connection itself and lets
 * nobody else do so (handlers never get it); before it uses the connection it calls
 * {@link #awaitFetch()}, and {@link #close()} before it ends or rolls back the transaction.
 * The cursor is only ever used by one thread at a time, the caller's and the fetch thread's
 * turns ordered by the hand-over of the fetch task and its result.
 *
 * <p>A failed fetch throws on the caller's thread the exception it would have thrown there. The
 * caller's waits for a fetch are not interruptible, as a fetch on its own thread is not either;
 * an interrupt is kept for later. Not thread-safe.
 */
final class ChunkReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkReader.class);

    private final BatchCursor cursor;
    private final Executor fetchThreads;
    private FutureTask<List<RawEvent>> inFlight;
    private boolean exhausted;

    private ChunkReader(BatchCursor cursor, Executor fetchThreads) {
        this.cursor = cursor;
        this.fetchThreads = fetchThreads;
    }

    /** A reader that fetches every chunk on the caller's thread. */
    static ChunkReader synchronous(BatchCursor cursor) {
        return new ChunkReader(cursor, null);
    }

    /** A reader that fetches the next chunk on one of {@code fetchThreads} while the caller handles one. */
    static ChunkReader prefetching(BatchCursor cursor, Executor fetchThreads) {
        return new ChunkReader(cursor, fetchThreads);
    }

    /** The next chunk; empty once the batch is read. Starts fetching the one after it. */
    List<RawEvent> next() throws SQLException {
        if (exhausted) {
            return List.of();
        }
        List<RawEvent> chunk = inFlight != null ? takeInFlight() : cursor.next();
        exhausted = cursor.exhausted();
        if (!exhausted && fetchThreads != null) {
            startFetch();
        }
        return chunk;
    }

    /** Whether the last chunk has been handed out. */
    boolean exhausted() {
        return exhausted;
    }

    /**
     * Waits until no fetch is in flight, so that the caller may use the connection; the chunk
     * fetched stays for {@link #next()}. Throws what the fetch threw.
     */
    void awaitFetch() throws SQLException {
        if (inFlight != null) {
            await(inFlight);
        }
    }

    /** Waits for a fetch in flight and drops its chunk: the connection is free afterwards. Keeps the cursor. */
    @Override
    public void close() {
        FutureTask<List<RawEvent>> f = inFlight;
        inFlight = null;
        exhausted = true;
        if (f != null) {
            try {
                await(f);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("A prefetch of a batch that is given up failed: {}", e.getMessage());
            }
        }
    }

    private void startFetch() {
        FutureTask<List<RawEvent>> f = new FutureTask<>(cursor::next);
        try {
            fetchThreads.execute(f);
            inFlight = f;
        } catch (RejectedExecutionException shutDown) {
            inFlight = null;     // the consumer stops: the next chunk is fetched on the caller's thread
        }
    }

    private List<RawEvent> takeInFlight() throws SQLException {
        FutureTask<List<RawEvent>> f = inFlight;
        inFlight = null;
        return await(f);
    }

    /** The fetch's chunk, or what it threw; waits without giving in to interrupts. */
    private static List<RawEvent> await(FutureTask<List<RawEvent>> f) throws SQLException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static SQLException rethrow(Throwable cause) {
        if (cause instanceof SQLException e) {
            return e;
        }
        if (cause instanceof RuntimeException e) {
            throw e;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new SQLException("Fetching the next chunk of the batch failed", cause);
    }
}
