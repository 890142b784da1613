package io.pgq.core;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A queue's configuration and state, as {@code pgq.get_queue_info} reports it. Immutable.
 *
 * <p>Whether a ticker runs can be read from it: a running ticker ticks a queue within
 * {@code tickerMaxLag} of new events and every {@code tickerIdlePeriod} without them.
 * {@link #tickOverdue(Duration)} says that the newest tick is older than that (plus a grace
 * period), {@link #tickerStalled(Duration)} that events wait as well: nothing will reach any
 * consumer until a ticker runs.
 *
 * @param name             queue name
 * @param tables           number of rotating event tables
 * @param currentTable     index of the table receiving inserts
 * @param rotationPeriod   shortest time between rotations
 * @param lastRotation     when the event tables last rotated
 * @param externalTicker   ticks come from outside (cascading)
 * @param tickerPaused     the ticker skips this queue
 * @param tickerMaxCount   tick after this many events
 * @param tickerMaxLag     tick when the newest tick is this old and there are new events
 * @param tickerIdlePeriod longest gap between ticks of an idle queue
 * @param tickerLag        age of the newest tick
 * @param eventsPerSecond  recent insert rate, or {@code null} when unknown
 * @param newEvents        events (approximately) inserted since the newest tick: waiting for a tick
 * @param lastTickId       id of the newest tick
 */
public record QueueInfo(String name, int tables, int currentTable, Duration rotationPeriod,
                        OffsetDateTime lastRotation, boolean externalTicker, boolean tickerPaused,
                        int tickerMaxCount, Duration tickerMaxLag, Duration tickerIdlePeriod,
                        Duration tickerLag, Double eventsPerSecond, long newEvents, long lastTickId) {

    /**
     * Grace on top of the expected tick interval before a tick counts as overdue: a ticker
     * looks at its queues about once a second and may be busy, or taking over as leader.
     */
    public static final Duration DEFAULT_TICK_GRACE = Duration.ofSeconds(10);

    /** Whether events wait for a tick ({@link #newEvents()} &gt; 0). */
    public boolean eventsWaitingForTick() {
        return newEvents > 0;
    }

    /**
     * How old the newest tick may be while a ticker runs: {@code tickerMaxLag} when events wait,
     * {@code tickerIdlePeriod} otherwise.
     */
    public Duration expectedTickInterval() {
        return eventsWaitingForTick() ? tickerMaxLag : tickerIdlePeriod;
    }

    /**
     * Whether the newest tick is older than {@link #expectedTickInterval()} plus {@code grace}.
     * Never for a paused queue or one ticked from outside (cascading), and never while the age
     * of the newest tick is unknown.
     */
    public boolean tickOverdue(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (tickerPaused || externalTicker || tickerLag == null || expectedTickInterval() == null) {
            return false;
        }
        return tickerLag.compareTo(expectedTickInterval().plus(grace)) > 0;
    }

    /**
     * Whether events wait and the tick that would hand them to consumers is overdue: no ticker
     * seems to run on this database. Start {@code pgq ticker} (or pgqd) for it.
     */
    public boolean tickerStalled(Duration grace) {
        return eventsWaitingForTick() && tickOverdue(grace);
    }
}
