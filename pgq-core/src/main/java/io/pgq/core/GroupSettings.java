package io.pgq.core;

import java.time.Duration;
import java.time.Instant;

/**
 * The settings every member of a topic group must share, recorded in the database by the
 * group's first member and checked when each member joins (see {@link TopicAdmin#groupSettings}).
 *
 * @param topic           the topic
 * @param group           the group
 * @param deliveryMode    {@code at-least-once} or {@code exactly-once}
 * @param deadLetterQueue where events go after their last attempt
 * @param sessionTimeout  how long a member may go without a heartbeat before it loses its partitions
 * @param recordedBy      the member that recorded them
 * @param recordedAt      when it did
 */
public record GroupSettings(String topic, String group, String deliveryMode, String deadLetterQueue,
                            Duration sessionTimeout, String recordedBy, Instant recordedAt) {
}
