package io.pgq.consumer.internal;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingWindowReservoir;
import com.codahale.metrics.Timer;
import io.pgq.consumer.ConsumerMetrics;
import io.pgq.core.ConsumerInfo;
import io.pgq.core.QueueAdmin;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The metrics of one consumer (see {@link ConsumerMetrics} for the names). Thread-safe. */
final class RunnerMetrics {

    final Meter events;
    final Meter batches;
    final Histogram batchSize;
    final Timer handler;
    final Meter retries;
    final Meter deadLetters;
    final Meter ignored;
    final Meter errors;
    final Meter takeovers;
    private final MetricRegistry registry;
    private final String lagName;
    private final String pendingName;
    private final String eventLagName;
    private final String healthyName;

    RunnerMetrics(MetricRegistry registry, String queue, String consumer) {
        this.registry = registry;
        this.events = registry.meter(ConsumerMetrics.events(queue, consumer));
        this.batches = registry.meter(ConsumerMetrics.batches(queue, consumer));
        this.batchSize = registry.histogram(ConsumerMetrics.batchSize(queue, consumer));
        // the last 1028 calls: cheap enough to update for every event of a 10,000-event batch
        this.handler = registry.timer(ConsumerMetrics.handler(queue, consumer),
                () -> new Timer(new SlidingWindowReservoir(1028)));
        this.retries = registry.meter(ConsumerMetrics.retries(queue, consumer));
        this.deadLetters = registry.meter(ConsumerMetrics.deadLetters(queue, consumer));
        this.ignored = registry.meter(ConsumerMetrics.ignored(queue, consumer));
        this.errors = registry.meter(ConsumerMetrics.errors(queue, consumer));
        this.takeovers = registry.meter(ConsumerMetrics.takeovers(queue, consumer));
        this.lagName = ConsumerMetrics.lagSeconds(queue, consumer);
        this.pendingName = ConsumerMetrics.pendingEvents(queue, consumer);
        this.eventLagName = ConsumerMetrics.eventLagSeconds(queue, consumer);
        this.healthyName = ConsumerMetrics.healthy(queue, consumer);
    }

    /**
     * Registers the lag, event lag and pending gauges, which read {@code get_consumer_info} at most
     * every 5 s, and the health gauge.
     */
    void registerGauges(QueueAdmin admin, String queue, String consumer, BooleanSupplier healthy) {
        CachedGauge<Optional<ConsumerInfo>> info = new CachedGauge<>(5, TimeUnit.SECONDS) {
            @Override
            protected Optional<ConsumerInfo> loadValue() {
                try {
                    return admin.consumer(queue, consumer);
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
            }
        };
        removeGauges();
        registry.register(lagName, (Gauge<Double>) () -> info.getValue()
                .map(i -> i.lag() == null ? null : i.lag().toNanos() / 1e9).orElse(null));
        registry.register(pendingName, (Gauge<Long>) () -> info.getValue().map(ConsumerInfo::pendingEvents).orElse(null));
        registry.register(eventLagName, (Gauge<Double>) () -> info.getValue()
                .map(i -> i.eventLag() == null ? null : i.eventLag().toNanos() / 1e9).orElse(null));
        registry.register(healthyName, (Gauge<Integer>) () -> healthy.getAsBoolean() ? 1 : 0);
    }

    void removeGauges() {
        registry.remove(lagName);
        registry.remove(pendingName);
        registry.remove(eventLagName);
        registry.remove(healthyName);
    }
}
