package io.pgq.consumer.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Where idle members wait: woken by a tick notification, a state change (pause, resume, seek,
 * stop), or by their turn to poll. Idle members of one consumer take turns, so together they
 * poll at most once per poll interval. Thread-safe.
 */
final class Wakeup {

    private final Object lock = new Object();
    private final long pollNanos;
    private long generation;
    private long nextIdlePoll;

    Wakeup(Duration pollInterval) {
        this.pollNanos = pollInterval.toNanos();
        this.nextIdlePoll = System.nanoTime();
    }

    /** Wakes every waiting member. */
    void signal() {
        synchronized (lock) {
            generation++;
            lock.notifyAll();
        }
    }

    long generation() {
        synchronized (lock) {
            return generation;
        }
    }

    /** A member looked for a batch and found none: the next idle look is a poll interval away. */
    void polledEmpty() {
        synchronized (lock) {
            nextIdlePoll = System.nanoTime() + pollNanos;
        }
    }

    /**
     * Waits until a signal came after {@code seen}, until it is this member's turn to poll, or
     * until {@code stop} holds (checked whenever woken).
     */
    void awaitWork(long seen, BooleanSupplier stop) throws InterruptedException {
        synchronized (lock) {
            while (generation == seen && !stop.getAsBoolean()) {
                long now = System.nanoTime();
                long wait = nextIdlePoll - now;
                if (wait <= 0) {
                    nextIdlePoll = now + pollNanos;
                    return;
                }
                lock.wait(Math.max(1, wait / 1_000_000), 0);
            }
        }
    }

    /** Sleeps for {@code pause} unless {@code stop} holds first (checked whenever signalled). */
    void sleep(Duration pause, BooleanSupplier stop) throws InterruptedException {
        long deadline = System.nanoTime() + pause.toNanos();
        synchronized (lock) {
            long left;
            while (!stop.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
                lock.wait(Math.max(1, left / 1_000_000), 0);
            }
        }
    }
}
