package io.pgq.ticker;

import io.pgq.core.internal.Check;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Ticker}. Immutable; the builder rejects invalid values naming the setting,
 * the bound and the value. Defaults give low latency: a quiet queue's new event is ticked within
 * about {@link #DEFAULT_MAX_TICK_LAG} + {@link #DEFAULT_TICK_PERIOD}.
 */
public final class TickerConfig {

    /** How often the leader calls {@code pgq.ticker()}. */
    public static final Duration DEFAULT_TICK_PERIOD = Duration.ofMillis(10);
    /**
     * Longest time a queue with new events waits for a tick, whatever its own
     * {@code ticker_max_lag} says (pgq-java schema only; the reference ignores it).
     */
    public static final Duration DEFAULT_MAX_TICK_LAG = Duration.ofMillis(20);
    /**
     * Largest share of the time the leader spends in tick passes: with many queues a pass takes
     * longer, and the period stretches so that ticking costs at most this much of one database
     * core (1,000 idle queues: about a 5 ms pass, so about 25 ms between passes at 0.2). A pass
     * counts as long as the shortest of the last 8: waits of a busy server do not stretch it.
     */
    public static final double DEFAULT_MAX_TICK_DUTY_CYCLE = 0.2;
    /** How often due retry events are moved back into their queues. */
    public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(1);
    /** How often maintenance (rotation, vacuum of pgq tables) runs. */
    public static final Duration DEFAULT_MAINTENANCE_PERIOD = Duration.ofSeconds(30);
    /** How often a standby tries to become the leader. */
    public static final Duration DEFAULT_LEADER_CHECK_PERIOD = Duration.ofMillis(500);
    /**
     * How long the leader's lease (a row of {@code pgq.ticker_lease}) lasts without renewal; the
     * leader renews it every third of this. A leader that dies or freezes is replaced after at
     * most this long (plus a {@link #DEFAULT_LEADER_CHECK_PERIOD}); one that stops gracefully
     * gives it up at once.
     */
    public static final Duration DEFAULT_LEADER_LEASE = Duration.ofSeconds(3);
    /** After this long without reaching the database the ticker reports itself unhealthy. */
    public static final Duration DEFAULT_UNHEALTHY_AFTER = Duration.ofSeconds(30);
    /** How long {@link Ticker#close()} waits for the loops to end. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Key of the leader lease row ("pgq-tick"): tickers with the same key elect one leader per
     * database. On the reference PgQ extension (no lease table) it is a session advisory lock key.
     */
    public static final long DEFAULT_LEADER_LOCK_KEY = 0x7067712d7469636bL;
    /** Channel of the notification sent after ticks; the payload is the queue name (or empty). */
    public static final String NOTIFY_CHANNEL = "pgq_tick";

    private final Duration tickPeriod;
    private final double maxTickDutyCycle;
    private final Duration maxTickLag;
    private final Duration retryPeriod;
    private final Duration maintenancePeriod;
    private final Duration leaderCheckPeriod;
    private final Duration leaderLease;
    private final Duration unhealthyAfter;
    private final Duration shutdownTimeout;
    private final long leaderLockKey;
    private final boolean notifyConsumers;

    private TickerConfig(Builder b) {
        this.tickPeriod = b.tickPeriod;
        this.maxTickDutyCycle = b.maxTickDutyCycle;
        this.maxTickLag = b.maxTickLag;
        this.retryPeriod = b.retryPeriod;
        this.maintenancePeriod = b.maintenancePeriod;
        this.leaderCheckPeriod = b.leaderCheckPeriod;
        this.leaderLease = b.leaderLease;
        this.unhealthyAfter = b.unhealthyAfter;
        this.shutdownTimeout = b.shutdownTimeout;
        this.leaderLockKey = b.leaderLockKey;
        this.notifyConsumers = b.notifyConsumers;
    }

    public static TickerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration tickPeriod() {
        return tickPeriod;
    }

    public double maxTickDutyCycle() {
        return maxTickDutyCycle;
    }

    /** {@code null} when queues keep their own {@code ticker_max_lag}. */
    public Duration maxTickLag() {
        return maxTickLag;
    }

    public Duration retryPeriod() {
        return retryPeriod;
    }

    public Duration maintenancePeriod() {
        return maintenancePeriod;
    }

    public Duration leaderCheckPeriod() {
        return leaderCheckPeriod;
    }

    /** How long the leader's lease lasts without renewal (renewed every third of it). */
    public Duration leaderLease() {
        return leaderLease;
    }

    public Duration unhealthyAfter() {
        return unhealthyAfter;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    public long leaderLockKey() {
        return leaderLockKey;
    }

    public boolean notifyConsumers() {
        return notifyConsumers;
    }

    @Override
    public String toString() {
        return "TickerConfig{tickPeriod=" + tickPeriod + ", maxTickDutyCycle=" + maxTickDutyCycle
                + ", maxTickLag=" + maxTickLag + ", retryPeriod=" + retryPeriod
                + ", maintenancePeriod=" + maintenancePeriod + ", leaderCheckPeriod=" + leaderCheckPeriod
                + ", leaderLease=" + leaderLease + ", unhealthyAfter=" + unhealthyAfter + ", shutdownTimeout=" + shutdownTimeout + ", leaderLockKey=" + leaderLockKey
                + ", notifyConsumers=" + notifyConsumers + "}";
    }

    /** Collects settings; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private Duration tickPeriod = DEFAULT_TICK_PERIOD;
        private double maxTickDutyCycle = DEFAULT_MAX_TICK_DUTY_CYCLE;
        private Duration maxTickLag = DEFAULT_MAX_TICK_LAG;
        private Duration retryPeriod = DEFAULT_RETRY_PERIOD;
        private Duration maintenancePeriod = DEFAULT_MAINTENANCE_PERIOD;
        private Duration leaderCheckPeriod = DEFAULT_LEADER_CHECK_PERIOD;
        private Duration leaderLease = DEFAULT_LEADER_LEASE;
        private Duration unhealthyAfter = DEFAULT_UNHEALTHY_AFTER;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private long leaderLockKey = DEFAULT_LEADER_LOCK_KEY;
        private boolean notifyConsumers = true;

        private Builder() {
        }

        public Builder tickPeriod(Duration period) {
            this.tickPeriod = Objects.requireNonNull(period, "tickPeriod");
            return this;
        }

        /** Largest share of the time spent in tick passes, more than 0 and at most 1. */
        public Builder maxTickDutyCycle(double share) {
            this.maxTickDutyCycle = share;
            return this;
        }

        /** {@code null} leaves every queue's own {@code ticker_max_lag} in force (reference behaviour). */
        public Builder maxTickLag(Duration lag) {
            this.maxTickLag = lag;
            return this;
        }

        public Builder retryPeriod(Duration period) {
            this.retryPeriod = Objects.requireNonNull(period, "retryPeriod");
            return this;
        }

        public Builder maintenancePeriod(Duration period) {
            this.maintenancePeriod = Objects.requireNonNull(period, "maintenancePeriod");
            return this;
        }

        public Builder leaderCheckPeriod(Duration period) {
            this.leaderCheckPeriod = Objects.requireNonNull(period, "leaderCheckPeriod");
            return this;
        }

        /** How long the leader's lease lasts without renewal, at least 300 ms. */
        public Builder leaderLease(Duration lease) {
            this.leaderLease = Objects.requireNonNull(lease, "leaderLease");
            return this;
        }

        public Builder unhealthyAfter(Duration duration) {
            this.unhealthyAfter = Objects.requireNonNull(duration, "unhealthyAfter");
            return this;
        }

        /** How long {@link Ticker#close()} waits for the loops to end. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "shutdownTimeout");
            return this;
        }

        public Builder leaderLockKey(long key) {
            this.leaderLockKey = key;
            return this;
        }

        public Builder notifyConsumers(boolean notify) {
            this.notifyConsumers = notify;
            return this;
        }

        public TickerConfig build() {
            Check.atLeast("tickPeriod", tickPeriod, Duration.ofMillis(1));
            Check.atLeast("retryPeriod", retryPeriod, Duration.ofMillis(10));
            Check.atLeast("maintenancePeriod", maintenancePeriod, Duration.ofMillis(10));
            Check.atLeast("leaderCheckPeriod", leaderCheckPeriod, Duration.ofMillis(10));
            Check.atLeast("leaderLease", leaderLease, Duration.ofMillis(300));
            Check.atLeast("unhealthyAfter", unhealthyAfter, Duration.ofSeconds(1));
            Check.atLeast("shutdownTimeout", shutdownTimeout, Duration.ofMillis(1));
            if (!(maxTickDutyCycle > 0 && maxTickDutyCycle <= 1)) {
                throw new IllegalArgumentException("maxTickDutyCycle must be more than 0 and at most 1, got "
                        + maxTickDutyCycle);
            }
            if (maxTickLag != null) {
                Check.notNegative("maxTickLag", maxTickLag);
            }
            return new TickerConfig(this);
        }

    }
}
