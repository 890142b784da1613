package io.pgq.core.internal;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.pgq.core.PgqMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The producer metrics of each queue, created on first use. Thread-safe. */
final class ProducerMetrics {

    record PerQueue(Meter events, Timer send, Histogram batchSize, Meter errors) {
    }

    private final MetricRegistry registry;
    private final Map<String, PerQueue> byQueue = new ConcurrentHashMap<>();

    ProducerMetrics(MetricRegistry registry) {
        this.registry = registry;
    }

    PerQueue of(String queue) {
        return byQueue.computeIfAbsent(queue, q -> new PerQueue(
                registry.meter(PgqMetrics.producerEvents(q)),
                registry.timer(PgqMetrics.producerSend(q)),
                registry.histogram(PgqMetrics.producerBatchSize(q)),
                registry.meter(PgqMetrics.producerErrors(q))));
    }
}
