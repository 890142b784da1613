package io.pgq.core;

import io.pgq.core.internal.Check;
import java.time.Duration;
import java.util.Objects;

/**
 * Ticker and rotation settings of a queue. A {@code null} field means "leave as it is" (or the
 * PgQ default for a new queue: 500 events, 3 s max lag, 1 min idle period, 2 h rotation).
 * Immutable; the builder rejects invalid values, naming the field, the bound and the value.
 *
 * <pre>{@code
 * QueueSettings.builder().tickerMaxLag(Duration.ofMillis(100)).rotationPeriod(Duration.ofMinutes(30)).build();
 * }</pre>
 */
public record QueueSettings(Integer tickerMaxCount, Duration tickerMaxLag, Duration tickerIdlePeriod,
                            Duration rotationPeriod, Boolean tickerPaused) {

    /** Changes nothing. */
    public static final QueueSettings UNCHANGED = new QueueSettings(null, null, null, null, null);

    public QueueSettings {
        if (tickerMaxCount != null) {
            Check.atLeast("tickerMaxCount", tickerMaxCount, 1);
        }
        requireNonNegative("tickerMaxLag", tickerMaxLag);
        requireNonNegative("tickerIdlePeriod", tickerIdlePeriod);
        requireNonNegative("rotationPeriod", rotationPeriod);
    }

    private static void requireNonNegative(String name, Duration value) {
        if (value != null) {
            Check.notNegative(name, value);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link QueueSettings}. Not thread-safe. */
    public static final class Builder {
        private Integer tickerMaxCount;
        private Duration tickerMaxLag;
        private Duration tickerIdlePeriod;
        private Duration rotationPeriod;
        private Boolean tickerPaused;

        private Builder() {
        }

        /** Tick as soon as this many events have accumulated (PgQ default 500). */
        public Builder tickerMaxCount(int count) {
            this.tickerMaxCount = count;
            return this;
        }

        /** Tick when the newest tick is this old and there are new events (PgQ default 3 s). */
        public Builder tickerMaxLag(Duration lag) {
            this.tickerMaxLag = Objects.requireNonNull(lag, "tickerMaxLag");
            return this;
        }

        /** Longest gap between ticks of an idle queue (PgQ default 1 min). */
        public Builder tickerIdlePeriod(Duration period) {
            this.tickerIdlePeriod = Objects.requireNonNull(period, "tickerIdlePeriod");
            return this;
        }

        /** Shortest time between event-table rotations (PgQ default 2 h). */
        public Builder rotationPeriod(Duration period) {
            this.rotationPeriod = Objects.requireNonNull(period, "rotationPeriod");
            return this;
        }

        /** A paused queue gets no ticks, so its consumers receive nothing new. */
        public Builder tickerPaused(boolean paused) {
            this.tickerPaused = paused;
            return this;
        }

        public QueueSettings build() {
            return new QueueSettings(tickerMaxCount, tickerMaxLag, tickerIdlePeriod, rotationPeriod, tickerPaused);
        }
    }
}
