package io.pgq.consumer.internal;

import java.time.Duration;

/** Pauses after consecutive failures: 1 s doubling up to a maximum (never above it). Not thread-safe. */
final class Backoff {

    private static final Duration FIRST = Duration.ofSeconds(1);

    private final Duration max;
    private int failures;

    Backoff(Duration max) {
        this.max = max;
    }

    /** Counts a failure and returns the pause before the next attempt. */
    Duration next() {
        failures++;
        Duration d = FIRST.multipliedBy(1L << Math.min(failures - 1, 20));
        return d.compareTo(max) > 0 ? max : d;
    }

    /** Consecutive failures so far. */
    int failures() {
        return failures;
    }

    void reset() {
        failures = 0;
    }
}
