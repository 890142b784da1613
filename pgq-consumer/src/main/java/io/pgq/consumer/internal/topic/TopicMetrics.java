package io.pgq.consumer.internal.topic;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import java.util.function.IntSupplier;

/**
 * The metrics of one member, named {@code pgq.topic.<topic>.<group>.<member>.*}: {@code partitions}
 * (gauge: partitions owned now), {@code events} (handled, dead letters included),
 * {@code deadLetters}, {@code rebalances} (heartbeats that changed this member's partitions) and
 * {@code lost} (partitions lost without a handover). Registered at start, removed at stop.
 * Thread-safe.
 */
final class TopicMetrics {

    final Meter events;
    final Meter deadLetters;
    final Counter rebalances;
    final Counter lost;
    private final MetricRegistry registry;
    private final String prefix;

    TopicMetrics(MetricRegistry registry, String topic, String group, String member) {
        this.registry = registry;
        this.prefix = MetricRegistry.name("pgq.topic", topic, group, member);
        this.events = registry.meter(prefix + ".events");
        this.deadLetters = registry.meter(prefix + ".deadLetters");
        this.rebalances = registry.counter(prefix + ".rebalances");
        this.lost = registry.counter(prefix + ".lost");
    }

    void registerPartitions(IntSupplier owned) {
        registry.gauge(prefix + ".partitions", () -> (Gauge<Integer>) owned::getAsInt);
    }

    void remove() {
        registry.removeMatching((name, metric) -> name.startsWith(prefix + "."));
    }
}
