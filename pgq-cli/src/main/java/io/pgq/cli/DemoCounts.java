package io.pgq.cli;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's order counts, consistent by construction: an order is counted as delivered once,
 * however often it is handled (redelivery after a lost batch counts once), so delivered plus
 * dead-lettered never exceeds sent, and the live lines and the summary read the same numbers.
 * Thread-safe.
 */
final class DemoCounts {

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final BitSet deliveredIds = new BitSet();
    private final BitSet deadIds = new BitSet();

    /** A snapshot of the counts. */
    record Snapshot(long sent, long delivered, long failedAttempts, long deadLettered) {

        /** Sent but neither delivered nor dead-lettered yet: waiting for a tick, in a batch, or waiting to be retried. */
        long inFlight() {
            return sent - delivered - deadLettered;
        }

        /** Failed attempts that were retried (not the last). */
        long retried() {
            return failedAttempts - deadLettered;
        }
    }

    void sent() {
        sent.incrementAndGet();
    }

    /** A send failed after {@link #sent()}: the order does not exist. */
    void unsent() {
        sent.decrementAndGet();
    }

    /** The handler finished order {@code id}. */
    void delivered(long id) {
        if (firstTime(deliveredIds, id)) {
            delivered.incrementAndGet();
        }
    }

    /** The handler failed on order {@code id}: it is retried or, at its last attempt, dead-lettered. */
    void failed(long id, boolean lastAttempt) {
        failedAttempts.incrementAndGet();
        if (lastAttempt && firstTime(deadIds, id)) {
            deadLettered.incrementAndGet();
        }
    }

    Snapshot snapshot() {
        // read delivered and dead-lettered before sent: an order counts in sent before it can be handled
        long d = delivered.get();
        long x = deadLettered.get();
        return new Snapshot(sent.get(), d, failedAttempts.get(), x);
    }

    private static boolean firstTime(BitSet ids, long id) {
        synchronized (ids) {
            if (ids.get((int) id)) {
                return false;
            }
            ids.set((int) id);
            return true;
        }
    }
}
