package io.pgq.ticker.internal;

/**
 * What a tick pass costs the database itself: the shortest of the last {@link #WINDOW} passes.
 * A single pass's time also holds what a busy server adds to it (waiting for a CPU, for the
 * write-ahead log flush of its commit behind other transactions); those waits burn no database
 * CPU, and stretching the tick period for them would only delay ticks for everyone. A pass that
 * is slow by itself (many queues) is slow every time, so the shortest still shows it. Not
 * thread-safe: confined to the tick loop.
 */
final class PassCost {

    /** How many recent passes are compared. */
    static final int WINDOW = 8;

    private final long[] recent = new long[WINDOW];
    private int seen;

    /** Records a pass that took {@code nanos}; returns the shortest of the last {@link #WINDOW}. */
    long add(long nanos) {
        recent[seen++ % WINDOW] = nanos;
        long shortest = Long.MAX_VALUE;
        for (int i = 0; i < Math.min(seen, WINDOW); i++) {
            shortest = Math.min(shortest, recent[i]);
        }
        return shortest;
    }
}
