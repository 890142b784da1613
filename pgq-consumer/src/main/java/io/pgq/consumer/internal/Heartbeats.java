package io.pgq.consumer.internal;

import io.pgq.schema.internal.jooq.pgq_coop.Routines;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jooq.Configuration;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a group member's {@code sub_active} fresh while it works on a long batch, the way the
 * reference documents it: calling {@code pgq_coop.next_batch} for a member that owns a batch
 * returns that batch and touches {@code sub_active} (reference §2.9 step 3, Appendix A). Runs on
 * its own thread ({@code pgq-consumer-<queue>-heartbeat}) and connection, in autocommit.
 * If the call returns another batch, the batch was taken over: the member is told to drop it.
 * Thread-safe.
 */
final class Heartbeats implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    private final Configuration jooq;
    private final String queue;
    private final String group;
    private final Duration interval;
    private final ScheduledExecutorService executor;

    Heartbeats(DataSource dataSource, String queue, String group, Duration interval) {
        this.jooq = DSL.using(dataSource, SQLDialect.POSTGRES).configuration();
        this.queue = queue;
        this.group = group;
        this.interval = interval;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pgq-consumer-" + queue + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts beating for {@code member}, which owns {@code batchId}. */
    Handle start(String member, long batchId) {
        Handle h = new Handle(member, batchId);
        long ms = Math.max(1, interval.toMillis());
        h.future = executor.scheduleWithFixedDelay(h::beat, ms, ms, TimeUnit.MILLISECONDS);
        return h;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** The heartbeat of one batch. */
    final class Handle {
        private final String member;
        private final long batchId;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile ScheduledFuture<?> future;
        private volatile boolean lost;
        private boolean closed;

        private Handle(String member, long batchId) {
            this.member = member;
            this.batchId = batchId;
        }

        /** Whether a heartbeat found that the batch belongs to someone else now. */
        boolean lost() {
            return lost;
        }

        /** Stops beating; waits for a heartbeat in progress, so none runs after this returns. */
        void close() {
            lock.lock();
            try {
                closed = true;
                ScheduledFuture<?> f = future;
                if (f != null) {
                    f.cancel(false);
                }
            } finally {
                lock.unlock();
            }
        }

        private void beat() {
            lock.lock();
            try {
                if (!closed && !lost) {
                    beatOnce();
                }
            } finally {
                lock.unlock();
            }
        }

        private void beatOnce() {
            try {
                Long owned = Routines.nextBatch(jooq, queue, group, member);
                if (owned == null || owned != batchId) {
                    lost = true;
                    LOG.warn("Batch {} was taken over by another member while member {} was working on it; it will be "
                            + "rolled back here (queue: {}, consumer: {})", batchId, member, queue, group);
                }
            } catch (RuntimeException e) {
                LOG.warn("Heartbeat of member {} for batch {} failed: {} (queue: {}, consumer: {}); if this lasts longer "
                        + "than the session timeout, another member takes the batch over", member, batchId, e.getMessage(),
                        queue, group);
            }
        }
    }
}
