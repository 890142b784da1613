package io.pgq.core;

import java.time.Duration;

/**
 * A consumer's position on a queue, as {@code pgq.get_consumer_info} reports it, and how late it
 * is. Immutable. Cooperative subconsumers (group members) appear as {@code group.member} with no
 * position.
 *
 * <p>Two ages: {@link #lag()} is the age of the consumer's position (PgQ's {@code lag}), which
 * keeps growing on an idle queue whose consumer has handled everything; {@link #eventLag()} is
 * the age of the oldest event the consumer has not handled, zero when it is caught up. Alert on
 * {@code eventLag}.
 *
 * @param queue         queue name
 * @param consumer      consumer name
 * @param lag           age of the consumer's position (its last tick)
 * @param lastSeen      time since the consumer last asked for or finished a batch
 * @param lastTick      tick the consumer has fully processed, or {@code null} (subconsumer)
 * @param currentBatch  id of the open batch, or {@code null}
 * @param nextTick      end tick of the open batch, or {@code null}
 * @param pendingEvents events (approximately) between the position and the newest tick
 * @param eventLag      age of the oldest event the consumer has not handled (ticked or still
 *                      waiting for a tick; due retries count, retries still waiting do not),
 *                      {@link Duration#ZERO} when there is none, {@code null} when unknown
 *                      (subconsumers, and infos read without it)
 */
public record ConsumerInfo(String queue, String consumer, Duration lag, Duration lastSeen, Long lastTick,
                           Long currentBatch, Long nextTick, Long pendingEvents, Duration eventLag) {

    /** An info without {@link #eventLag()}. */
    public ConsumerInfo(String queue, String consumer, Duration lag, Duration lastSeen, Long lastTick,
                        Long currentBatch, Long nextTick, Long pendingEvents) {
        this(queue, consumer, lag, lastSeen, lastTick, currentBatch, nextTick, pendingEvents, null);
    }

    /** This info with {@code eventLag}. */
    public ConsumerInfo withEventLag(Duration eventLag) {
        return new ConsumerInfo(queue, consumer, lag, lastSeen, lastTick, currentBatch, nextTick, pendingEvents,
                eventLag);
    }
}
