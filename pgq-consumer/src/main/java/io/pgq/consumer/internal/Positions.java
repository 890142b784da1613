package io.pgq.consumer.internal;

import io.pgq.core.ConsumerPosition;

/** Log-friendly names of consumer positions. */
public final class Positions {

    private Positions() {
    }

    /** {@code earliest}, {@code latest}, {@code time 2025-...Z} or {@code tick 42}. */
    public static String describe(ConsumerPosition position) {
        if (position instanceof ConsumerPosition.AtTime t) {
            return "time " + t.time();
        }
        if (position instanceof ConsumerPosition.AtTick t) {
            return "tick " + t.tickId();
        }
        return position instanceof ConsumerPosition.Earliest ? "earliest" : "latest";
    }
}
