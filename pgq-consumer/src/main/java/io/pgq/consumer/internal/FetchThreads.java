package io.pgq.consumer.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consumer's daemon threads ({@code pgq-consumer-<queue>-fetch-<n>}) that fetch the next
 * chunk of a batch while a consumer thread handles the current one (see {@link ChunkReader}).
 * Each consumer thread has at most one fetch in flight, so there are never more of these than
 * consumer threads (and {@code runOnce} callers). A thread idle for a few seconds ends, so a
 * consumer that is used through {@code runOnce} and never stopped leaves none behind for long;
 * {@link #shutdown(Duration)} ends them at once. Thread-safe.
 */
final class FetchThreads implements Executor {

    private static final long KEEP_ALIVE_SECONDS = 5;

    private final ThreadPoolExecutor pool;
    private final Set<Thread> started = ConcurrentHashMap.newKeySet();

    FetchThreads(String queue) {
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "pgq-consumer-" + queue + "-fetch-" + count.incrementAndGet());
                    t.setDaemon(true);
                    started.removeIf(old -> old.getState() == Thread.State.TERMINATED);   // ended by the keep-alive
                    started.add(t);
                    return t;
                });
    }

    /** Runs {@code task} on a fetch thread; throws {@link RejectedExecutionException} after shutdown. */
    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /**
     * Takes no more fetches, lets those in flight finish (a consumer thread waits for its own
     * before it uses or gives back its connection) and waits up to {@code timeout} for every
     * fetch thread to end (not only to leave the pool: to have ended). True if they all did.
     */
    boolean shutdown(Duration timeout) {
        pool.shutdown();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Thread t : started) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                t.join(left);
                if (t.isAlive()) {
                    return false;
                }
                started.remove(t);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
