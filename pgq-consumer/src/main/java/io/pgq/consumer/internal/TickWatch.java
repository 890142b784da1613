package io.pgq.consumer.internal;

import io.pgq.core.QueueAdmin;
import io.pgq.core.QueueInfo;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when no ticker runs: when the consumer finds no batch, it looks (at most every
 * {@link #CHECK_EVERY}) whether events wait for a tick that is overdue
 * ({@link QueueInfo#tickerStalled(Duration)}). It logs a WARN naming the database and the fix
 * when that starts and every {@link #REMIND_EVERY} while it lasts, and an INFO when batches
 * come again. Thread-safe; the members of a group share one.
 */
final class TickWatch {

    static final Duration CHECK_EVERY = Duration.ofSeconds(5);
    static final Duration REMIND_EVERY = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(TickWatch.class);

    private final QueueAdmin admin;
    private final String queue;
    private final String database;
    private final String where;
    private final AtomicLong nextCheck = new AtomicLong(System.nanoTime());
    private volatile String problem;
    private long since;
    private long warnedAt;

    TickWatch(QueueAdmin admin, String queue, String database, String where) {
        this.admin = admin;
        this.queue = queue;
        this.database = database;
        this.where = where;
    }

    /** What is wrong with the ticks, or {@code null} when nothing is known to be wrong. */
    String problem() {
        return problem;
    }

    /** The consumer found no batch: checks the queue's ticks if the last check is old enough. */
    void idle() {
        long now = System.nanoTime();
        long due = nextCheck.get();
        if (now - due < 0 || !nextCheck.compareAndSet(due, now + CHECK_EVERY.toNanos())) {
            return;
        }
        try {
            admin.queue(queue).ifPresent(this::update);
        } catch (RuntimeException e) {
            LOG.debug("Could not read the ticks of queue {}{}: {}", queue, where, e.getMessage());
        }
    }

    /** The consumer took a batch: ticks come. */
    void batchTaken() {
        if (problem != null) {
            resumed();
        }
    }

    private synchronized void update(QueueInfo q) {
        if (!q.tickerStalled(QueueInfo.DEFAULT_TICK_GRACE)) {
            resumed();
            return;
        }
        long now = System.nanoTime();
        String text = "no ticker seems to run on database " + database + ": " + q.newEvents() + " event(s) wait in "
                + "queue " + queue + " and its newest tick is " + seconds(q.tickerLag()) + " s old (expected within "
                + seconds(q.expectedTickInterval()) + " s); start `pgq ticker` (or pgqd) for this database";
        if (problem == null) {
            since = now;
            warnedAt = now;
            LOG.warn("No tick: {}{}", text, where);
        } else if (now - warnedAt >= REMIND_EVERY.toNanos()) {
            warnedAt = now;
            LOG.warn("Still no tick after {} s: {}{}", TimeUnit.NANOSECONDS.toSeconds(now - since), text, where);
        }
        problem = text;
    }

    private synchronized void resumed() {
        if (problem != null) {
            problem = null;
            LOG.info("Ticks resumed on database {} for queue {} (missing for at least {} s){}", database, queue,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since), where);
        }
    }

    private static long seconds(Duration d) {
        return d == null ? -1 : d.toSeconds();
    }
}
