package io.pgq.consumer.internal.topic;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import io.pgq.core.ConsumerInfo;
import io.pgq.core.QueueAdmin;
import io.pgq.core.TopicRouting;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The metrics of one member, named {@code pgq.topic.<topic>.<group>.<member>.*}: {@code partitions}
 * (gauge: partitions owned now), {@code events} (handled, dead letters included),
 * {@code deadLetters}, {@code rebalances} (heartbeats that changed this member's partitions) and
 * {@code lost} (partitions lost without a handover). Registered at start, removed at stop.
 *
 * <p>And the lag of each partition the member owns, named after the group and the partition
 * (not the member, so a partition keeps its name when it moves):
 * {@code pgq.topic.<topic>.<group>.partition.<k>.lag.seconds}, {@code .pending.events} and
 * {@code .event-lag.seconds}, the group's {@code pgq.get_consumer_info} on the partition queue
 * as for a plain consumer, read at most every 5 s and only when read. Registered when the member
 * gets the partition, removed when it gives it up or loses it; each partition is exported by the
 * process that owns it. Thread-safe.
 */
final class TopicMetrics {

    static final String PARTITION = "partition";

    final Meter events;
    final Meter deadLetters;
    final Counter rebalances;
    final Counter lost;
    private final MetricRegistry registry;
    private final String prefix;
    private final String topic;
    private final String group;
    private final QueueAdmin admin;
    private final Map<Integer, Map<String, Metric>> partitionGauges = new HashMap<>();

    TopicMetrics(MetricRegistry registry, QueueAdmin admin, String topic, String group, String member) {
        this.registry = registry;
        this.admin = admin;
        this.topic = topic;
        this.group = group;
        this.prefix = MetricRegistry.name("pgq.topic", topic, group, member);
        this.events = registry.meter(prefix + ".events");
        this.deadLetters = registry.meter(prefix + ".deadLetters");
        this.rebalances = registry.counter(prefix + ".rebalances");
        this.lost = registry.counter(prefix + ".lost");
    }

    /** The name of a partition's lag metric: {@code pgq.topic.<topic>.<group>.partition.<k>.<metric>}. */
    static String partitionMetric(String topic, String group, int partition, String metric) {
        return MetricRegistry.name("pgq.topic", topic, group, PARTITION, Integer.toString(partition), metric);
    }

    void registerPartitions(IntSupplier owned) {
        registry.gauge(prefix + ".partitions", () -> (Gauge<Integer>) owned::getAsInt);
    }

    /**
     * Registers the lag gauges of the partitions in {@code owned} that have none and removes those
     * of partitions no longer owned. A gauge another member of this JVM registered is left to it
     * and tried again at the next call.
     */
    synchronized void ownPartitions(Set<Integer> owned) {
        for (Integer p : Set.copyOf(partitionGauges.keySet())) {
            if (!owned.contains(p)) {
                removePartition(p);
            }
        }
        for (Integer p : owned) {
            Map<String, Metric> mine = partitionGauges.computeIfAbsent(p, k -> new HashMap<>());
            if (mine.size() < 3) {
                registerPartition(p, mine);
            }
        }
    }

    private void registerPartition(int partition, Map<String, Metric> mine) {
        String queue = TopicRouting.partitionQueue(topic, partition);
        CachedGauge<Optional<ConsumerInfo>> info = new CachedGauge<>(5, TimeUnit.SECONDS) {
            @Override
            protected Optional<ConsumerInfo> loadValue() {
                try {
                    return admin.consumer(queue, group);
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
            }
        };
        tryRegister(mine, partitionMetric(topic, group, partition, "lag.seconds"), (Gauge<Double>) () -> info.getValue()
                .map(i -> i.lag() == null ? null : i.lag().toNanos() / 1e9).orElse(null));
        tryRegister(mine, partitionMetric(topic, group, partition, "pending.events"),
                (Gauge<Long>) () -> info.getValue().map(ConsumerInfo::pendingEvents).orElse(null));
        tryRegister(mine, partitionMetric(topic, group, partition, "event-lag.seconds"), (Gauge<Double>) () -> info
                .getValue().map(i -> i.eventLag() == null ? null : i.eventLag().toNanos() / 1e9).orElse(null));
    }

    private void tryRegister(Map<String, Metric> mine, String name, Metric gauge) {
        if (mine.containsKey(name)) {
            return;
        }
        try {
            registry.register(name, gauge);
            mine.put(name, gauge);
        } catch (IllegalArgumentException alreadyThere) {
            // another member of this JVM exports it; tried again at the next heartbeat
        }
    }

    private void removePartition(int partition) {
        Map<String, Metric> mine = partitionGauges.remove(partition);
        if (mine != null) {
            mine.forEach((name, gauge) -> registry.removeMatching((n, m) -> n.equals(name) && m == gauge));
        }
    }

    synchronized void remove() {
        registry.removeMatching((name, metric) -> name.startsWith(prefix + "."));
        Set.copyOf(partitionGauges.keySet()).forEach(this::removePartition);
    }
}
