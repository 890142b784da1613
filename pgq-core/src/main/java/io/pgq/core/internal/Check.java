package io.pgq.core.internal;

import java.time.Duration;

/**
 * The validation of every configuration builder, with one wording: the setting's name, the bound
 * and the value ({@code "fetchSize must be between 1 and 100000, got 0"},
 * {@code "tickPeriod must be at least 1 ms, got 0 ms"}). Durations read as {@code 250 ms},
 * {@code 30 s}, {@code 5 min}, {@code 1 h}. Stateless.
 */
public final class Check {

    private Check() {}

    public static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    public static void between(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    public static void between(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    public static void atLeast(String name, Duration value, Duration min) {
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                    name + " must be at least " + duration(min) + ", got " + duration(value));
        }
    }

    public static void between(String name, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    name + " must be between " + duration(min) + " and " + duration(max) + ", got " + duration(value));
        }
    }

    public static void notNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + duration(value));
        }
    }

    /** Null passes: optional settings are checked only when set. */
    public static void positive(String name, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration(value));
        }
    }

    /** {@code 250 ms}, {@code 30 s}, {@code 5 min}, {@code 1 h}; milliseconds when not whole. */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        if (ms != 0 && ms % 1_000 == 0) {
            return ms / 1_000 + " s";
        }
        return d.toNanos() % 1_000_000 == 0 ? ms + " ms" : d.toNanos() / 1e6 + " ms";
    }
}
