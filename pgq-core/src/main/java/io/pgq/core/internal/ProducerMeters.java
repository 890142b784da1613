package io.pgq.core.internal;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Timer;
import io.pgq.core.ProducerMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The producer metrics of each queue, created on first use. Thread-safe. */
final class ProducerMeters {

    record PerQueue(Meter events, Timer send, Histogram batchSize, Meter errors) {

        /** Records {@code count} events sent by a call of {@code size} events. */
        void sent(long count, long size) {
            events.mark(count);
            batchSize.update(size);
        }
    }

    private final MetricRegistry registry;
    private final Map<String, PerQueue> byQueue = new ConcurrentHashMap<>();

    ProducerMeters(MetricRegistry registry) {
        this.registry = registry;
    }

    PerQueue of(String queue) {
        PerQueue m = byQueue.get(queue);
        return m != null ? m : byQueue.computeIfAbsent(queue, q -> new PerQueue(
                registry.meter(ProducerMetrics.events(q)),
                registry.timer(ProducerMetrics.send(q), () -> new Timer(lockFreeReservoir())),
                registry.histogram(ProducerMetrics.batchSize(q), () -> new Histogram(lockFreeReservoir())),
                registry.meter(ProducerMetrics.errors(q))));
    }

    /** The default reservoir's statistics without its lock, which concurrent senders would share. */
    private static Reservoir lockFreeReservoir() {
        return LockFreeExponentiallyDecayingReservoir.builder().build();
    }
}
