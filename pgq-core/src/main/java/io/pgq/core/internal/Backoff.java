package io.pgq.core.internal;

import java.time.Duration;

/**
 * The pause after consecutive failures of a service loop: {@code first}, doubling, never above
 * {@code max} (a {@code max} below {@code first} is the only pause). Not thread-safe: one per loop.
 */
public final class Backoff {

    private final Duration first;
    private final Duration max;
    private int failures;

    public Backoff(Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.isNegative() || max.isZero()) {
            throw new IllegalArgumentException("backoff pauses must be positive, got first " + first + ", max " + max);
        }
        this.first = first;
        this.max = max;
    }

    /** Counts a failure and returns the pause before the next attempt. */
    public Duration next() {
        failures++;
        Duration d = first.multipliedBy(1L << Math.min(failures - 1, 20));
        return d.compareTo(max) > 0 ? max : d;
    }

    /** Consecutive failures so far. */
    public int failures() {
        return failures;
    }

    public void reset() {
        failures = 0;
    }
}
