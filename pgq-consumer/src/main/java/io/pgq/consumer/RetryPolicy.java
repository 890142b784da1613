package io.pgq.consumer;

import io.pgq.core.internal.Check;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how often a failed event is delivered again, and which failures go straight to the
 * dead-letter queue. Immutable and thread-safe; built by a {@link Builder} that rejects invalid
 * or contradictory settings, naming the setting, the bound and the value.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *         .maxAttempts(5)                                  // 1 delivery + 4 retries
 *         .initialDelay(Duration.ofSeconds(10))            // 10 s, 20 s, 40 s, 80 s ...
 *         .multiplier(2.0)
 *         .maxDelay(Duration.ofMinutes(10))
 *         .jitter(0.2)                                     // +-20 %
 *         .deadLetterOn(IllegalArgumentException.class)    // no point retrying these
 *         .build();
 * }</pre>
 *
 * <p>The attempt number comes from the event's {@code ev_retry} in the database, so it
 * survives restarts. The backoff before attempt {@code n + 1} (after the {@code n}-th delivery
 * failed) is {@code min(maxDelay, initialDelay * multiplier^(n-1))}, then multiplied by a random
 * factor in {@code [1 - jitter, 1 + jitter]} and capped at {@code maxDelay} again. Retried events
 * come back when the ticker's retry job ({@code pgq.maint_retry_events}) has moved them and the
 * next tick has been taken, so short delays are rounded up to that job's period.
 *
 * <p>An exception matches a class when it or one of its causes is an instance of it.
 * {@link Builder#deadLetterOn} wins over {@link Builder#retryOn}; when {@code retryOn} lists
 * classes, every other exception goes straight to the dead-letter queue.
 */
public final class RetryPolicy {

    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(10);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(10);
    public static final double DEFAULT_JITTER = 0.2;

    private static final RetryPolicy DEFAULTS = builder().build();
    private static final RetryPolicy NONE = builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration initialDelay;
    private final double multiplier;
    private final Duration maxDelay;
    private final double jitter;
    private final List<Class<? extends Throwable>> retryOn;
    private final List<Class<? extends Throwable>> deadLetterOn;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialDelay = b.initialDelay;
        this.multiplier = b.multiplier;
        this.maxDelay = b.maxDelay;
        this.jitter = b.jitter;
        this.retryOn = List.copyOf(b.retryOn);
        this.deadLetterOn = List.copyOf(b.deadLetterOn);
    }

    /** 5 attempts, 10 s doubling up to 10 min, 20 % jitter, every exception retried. */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** No retries: a failed event goes to the dead-letter queue at once. */
    public static RetryPolicy none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Deliveries in total, the first one included (1 = never retry). */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public double multiplier() {
        return multiplier;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public double jitter() {
        return jitter;
    }

    public List<Class<? extends Throwable>> retryOn() {
        return retryOn;
    }

    public List<Class<? extends Throwable>> deadLetterOn() {
        return deadLetterOn;
    }

    /** Whether an event whose {@code attempt}-th delivery failed may be delivered again. */
    public boolean hasAttemptsLeft(int attempt) {
        return attempt < maxAttempts;
    }

    /** Whether {@code failure} may be retried at all (attempts aside). */
    public boolean isRetriable(Throwable failure) {
        if (matches(failure, deadLetterOn)) {
            return false;
        }
        return retryOn.isEmpty() || matches(failure, retryOn);
    }

    /** The backoff after the {@code attempt}-th delivery failed, with a random jitter. */
    public Duration delay(int attempt) {
        return delay(attempt, ThreadLocalRandom.current().nextDouble());
    }

    /** {@link #delay(int)} with the random number given: {@code random} in {@code [0, 1)}. */
    Duration delay(int attempt, double random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
        }
        double base = initialDelay.toNanos() * Math.pow(multiplier, attempt - 1);
        double capped = Math.min(base, maxDelay.toNanos());
        double jittered = capped * (1 + jitter * (2 * random - 1));
        return Duration.ofNanos((long) Math.min(jittered, maxDelay.toNanos()));
    }

    private static boolean matches(Throwable failure, List<Class<? extends Throwable>> classes) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            for (Class<? extends Throwable> c : classes) {
                if (c.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialDelay=" + initialDelay + ", multiplier=" + multiplier
                + ", maxDelay=" + maxDelay + ", jitter=" + jitter + ", retryOn=" + names(retryOn)
                + ", deadLetterOn=" + names(deadLetterOn) + "}";
    }

    private static List<String> names(List<Class<? extends Throwable>> classes) {
        return classes.stream().map(Class::getSimpleName).toList();
    }

    /** Collects settings; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialDelay = DEFAULT_INITIAL_DELAY;
        private double multiplier = DEFAULT_MULTIPLIER;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private double jitter = DEFAULT_JITTER;
        private final List<Class<? extends Throwable>> retryOn = new ArrayList<>();
        private final List<Class<? extends Throwable>> deadLetterOn = new ArrayList<>();

        private Builder() {
        }

        /** Deliveries in total, the first one included; at least 1 (default 5). */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Backoff after the first failure; at least zero (default 10 s). */
        public Builder initialDelay(Duration delay) {
            this.initialDelay = Objects.requireNonNull(delay, "initialDelay");
            return this;
        }

        /** Growth of the backoff per attempt; at least 1.0 (default 2.0). */
        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        /** Longest backoff; at least {@code initialDelay} (default 10 min). */
        public Builder maxDelay(Duration delay) {
            this.maxDelay = Objects.requireNonNull(delay, "maxDelay");
            return this;
        }

        /** Random spread of each backoff as a fraction, 0.0 to 1.0 (default 0.2 = +-20 %). */
        public Builder jitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Only these exceptions (and their subclasses, also as causes) are retried. */
        @SafeVarargs
        public final Builder retryOn(Class<? extends Throwable>... classes) {
            addAll(retryOn, classes, "retryOn");
            return this;
        }

        /** These exceptions (and their subclasses, also as causes) go straight to the dead-letter queue. */
        @SafeVarargs
        public final Builder deadLetterOn(Class<? extends Throwable>... classes) {
            addAll(deadLetterOn, classes, "deadLetterOn");
            return this;
        }

        private static void addAll(List<Class<? extends Throwable>> to, Class<? extends Throwable>[] classes, String name) {
            for (Class<? extends Throwable> c : Objects.requireNonNull(classes, name)) {
                to.add(Objects.requireNonNull(c, name + " must not contain null"));
            }
        }

        public RetryPolicy build() {
            Check.atLeast("maxAttempts", maxAttempts, 1);
            Check.notNegative("initialDelay", initialDelay);
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be at least 1.0 and finite, got " + multiplier);
            }
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("maxDelay must be at least initialDelay (" + Check.duration(initialDelay)
                        + "), got " + Check.duration(maxDelay));
            }
            Check.between("jitter", jitter, 0.0, 1.0);
            for (Class<? extends Throwable> c : retryOn) {
                if (deadLetterOn.contains(c)) {
                    throw new IllegalArgumentException(c.getName() + " is listed in both retryOn and deadLetterOn");
                }
            }
            return new RetryPolicy(this);
        }
    }
}
