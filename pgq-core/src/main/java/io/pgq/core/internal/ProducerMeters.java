package io.pgq.core.internal;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Timer;
import io.pgq.core.PgqMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The producer metrics of each queue, created on first use. Thread-safe. */
final class ProducerMetrics {

    record PerQueue(Meter events, Timer send, Histogram batchSize, Meter errors) {

        /** Records {@code count} events sent by a call of {@code size} events. */
        void sent(long count, long size) {
            events.mark(count);
            batchSize.update(size);
        }
    }

    private final MetricRegistry registry;
    private final Map<String, PerQueue> byQueue = new ConcurrentHashMap<>();

    ProducerMetrics(MetricRegistry registry) {
        this.registry = registry;
    }

    PerQueue of(String queue) {
        PerQueue m = byQueue.get(queue);
        return m != null ? m : byQueue.computeIfAbsent(queue, q -> new PerQueue(
                registry.meter(PgqMetrics.producerEvents(q)),
                registry.timer(PgqMetrics.producerSend(q), () -> new Timer(lockFreeReservoir())),
                registry.histogram(PgqMetrics.producerBatchSize(q), () -> new Histogram(lockFreeReservoir())),
                registry.meter(PgqMetrics.producerErrors(q))));
    }

    /** The default reservoir's statistics without its lock, which concurrent senders would share. */
    private static Reservoir lockFreeReservoir() {
        return LockFreeExponentiallyDecayingReservoir.builder().build();
    }
}
