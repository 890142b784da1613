package io.pgq.core;

import java.time.Instant;

/**
 * A topic: its name, its fixed number of partitions (queues {@code <name>.p0} ...), when it was
 * created and how many groups consume it. Immutable.
 */
public record TopicInfo(String name, int partitions, Instant createdAt, int groups) {

    /** The queue of partition {@code partition}. */
    public String partitionQueue(int partition) {
        return TopicRouting.partitionQueue(name, partition);
    }
}
