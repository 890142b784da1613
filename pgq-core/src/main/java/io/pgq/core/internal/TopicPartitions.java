package io.pgq.core.internal;

import io.pgq.core.TopicProducer;
import io.pgq.core.TopicRouting;
import io.pgq.core.UnknownTopicException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The partition count of each topic, remembered for {@link TopicProducer#PARTITION_COUNT_CACHE_SECONDS},
 * and the choice of partition for an event: by key, or round-robin from a random start for
 * keyless events. Thread-safe.
 */
final class TopicPartitions {

    private record Entry(int partitions, long loadedAtNanos) {
    }

    private static final long TTL_NANOS = TopicProducer.PARTITION_COUNT_CACHE_SECONDS * 1_000_000_000L;

    private final ConcurrentHashMap<String, Entry> counts = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger(ThreadLocalRandom.current().nextInt(TopicRouting.MAX_PARTITIONS));

    /** The topic's partition count, read on {@code c} when not remembered. */
    int count(Connection c, String topic) throws SQLException {
        Entry e = counts.get(topic);
        if (e != null && System.nanoTime() - e.loadedAtNanos() < TTL_NANOS) {
            return e.partitions();
        }
        int n = load(c, topic);
        counts.put(topic, new Entry(n, System.nanoTime()));
        return n;
    }

    /** Forgets the topic's count (after a failure that suggests it changed). */
    void forget(String topic) {
        counts.remove(topic);
    }

    /** The partition for an event with {@code key} ({@code null}: the next of the round-robin). */
    int choose(String key, int partitions) {
        return key == null ? Math.floorMod(roundRobin.getAndIncrement(), partitions) : TopicRouting.partition(key, partitions);
    }

    private static int load(Connection c, String topic) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT partitions FROM pgq_topic.topic WHERE topic_name = ?")) {
            st.setString(1, topic);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new UnknownTopicException(topic, null);
                }
                return rs.getInt(1);
            }
        }
    }
}
