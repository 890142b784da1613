package io.pgq.core;

import java.time.Duration;

/**
 * A consumer's position on a queue, as {@code pgq.get_consumer_info} reports it. Immutable.
 * Cooperative subconsumers (group members) appear as {@code group.member} with no position.
 *
 * @param queue         queue name
 * @param consumer      consumer name
 * @param lag           age of the consumer's position: how far behind real time it is
 * @param lastSeen      time since the consumer last asked for or finished a batch
 * @param lastTick      tick the consumer has fully processed, or {@code null} (subconsumer)
 * @param currentBatch  id of the open batch, or {@code null}
 * @param nextTick      end tick of the open batch, or {@code null}
 * @param pendingEvents events (approximately) between the position and the newest tick
 */
public record ConsumerInfo(String queue, String consumer, Duration lag, Duration lastSeen, Long lastTick,
                           Long currentBatch, Long nextTick, Long pendingEvents) {
}
