package io.pgq.core;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * A queue's configuration and state, as {@code pgq.get_queue_info} reports it. Immutable.
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
 * @param newEvents        events (approximately) inserted since the newest tick
 * @param lastTickId       id of the newest tick
 */
public record QueueInfo(String name, int tables, int currentTable, Duration rotationPeriod,
                        OffsetDateTime lastRotation, boolean externalTicker, boolean tickerPaused,
                        int tickerMaxCount, Duration tickerMaxLag, Duration tickerIdlePeriod,
                        Duration tickerLag, Double eventsPerSecond, long newEvents, long lastTickId) {
}
