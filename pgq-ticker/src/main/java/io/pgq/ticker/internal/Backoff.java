package io.pgq.ticker.internal;

import java.time.Duration;

/** Exponential backoff between failed attempts: 100 ms doubling up to 5 s. Not thread-safe. */
final class Backoff {

    private static final long MIN_MILLIS = 100;
    private static final long MAX_MILLIS = 5_000;

    private long next = MIN_MILLIS;

    Duration next() {
        Duration d = Duration.ofMillis(next);
        next = Math.min(MAX_MILLIS, next * 2);
        return d;
    }

    void reset() {
        next = MIN_MILLIS;
    }
}
