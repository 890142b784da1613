package io.pgq.prometheus;

import com.codahale.metrics.MetricRegistry;
import io.pgq.prometheus.internal.MergingCollector;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Exposes a Dropwizard {@code MetricRegistry} to Prometheus, with pgq-java's metric names turned
 * into names with labels: {@code pgq.consumer.orders.billing.events} becomes
 * {@code pgq_consumer_events_total{queue="orders",consumer="billing"}},
 * {@code pgq.producer.orders.send} becomes {@code pgq_producer_send{queue="orders",quantile=...}},
 * {@code pgq.ticker.app.ticks} becomes {@code pgq_ticker_ticks_total{db="app"}}, a topic
 * partition's {@code pgq.topic.orders.billing.partition.3.lag.seconds} becomes
 * {@code pgq_topic_partition_lag_seconds{topic="orders",group="billing",partition="3"}} and a
 * topic member's {@code pgq.topic.orders.billing.m1.events} becomes
 * {@code pgq_topic_member_events_total{topic="orders",group="billing",member="m1"}}. A queue,
 * topic, consumer, member or database name that contains a dot does not fit these patterns; its
 * metrics keep the flat name ({@code pgq_consumer_orders_dlq_pgq_resend_events_total}). The application's
 * other metrics are exported under their own names (dots and dashes become underscores).
 * Meters become counters ({@code _total}), timers summaries in seconds, histograms summaries,
 * gauges gauges. Metrics that map to one name with different labels (two consumers, the
 * partitions of a topic) are exported as one metric with several series. Stateless.
 */
public final class PgqPrometheus {

    private static final List<MapperConfig> PGQ_NAMES = List.of(
            consumer("lag.seconds", "lag_seconds"),
            consumer("event-lag.seconds", "event_lag_seconds"),
            consumer("pending.events", "pending_events"),
            new MapperConfig("pgq.consumer.*.*.*", "pgq_consumer_${2}", Map.of("queue", "${0}", "consumer", "${1}")),
            new MapperConfig("pgq.producer.*.*", "pgq_producer_${1}", Map.of("queue", "${0}")),
            new MapperConfig("pgq.ticker.*.*", "pgq_ticker_${1}", Map.of("db", "${0}")),
            partition("lag.seconds", "lag_seconds"),
            partition("event-lag.seconds", "event_lag_seconds"),
            partition("pending.events", "pending_events"),
            member("partitions", "partitions"),
            member("events", "events"),
            member("events_total", "events_total"),             // meters are named with _total before mapping
            member("deadLetters", "dead_letters"),
            member("deadLetters_total", "dead_letters_total"),
            member("rebalances", "rebalances"),
            member("lost", "lost"));

    private PgqPrometheus() {
    }

    private static MapperConfig consumer(String suffix, String name) {
        return new MapperConfig("pgq.consumer.*.*." + suffix, "pgq_consumer_" + name,
                Map.of("queue", "${0}", "consumer", "${1}"));
    }

    private static MapperConfig partition(String suffix, String name) {
        return new MapperConfig("pgq.topic.*.*.partition.*." + suffix, "pgq_topic_partition_" + name,
                Map.of("topic", "${0}", "group", "${1}", "partition", "${2}"));
    }

    private static MapperConfig member(String suffix, String name) {
        return new MapperConfig("pgq.topic.*.*.*." + suffix, "pgq_topic_member_" + name,
                Map.of("topic", "${0}", "group", "${1}", "member", "${2}"));
    }

    /** Adds every metric of {@code registry}, now and later, to {@code prometheus}. */
    public static void register(MetricRegistry registry, PrometheusRegistry prometheus) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(prometheus, "prometheus");
        prometheus.register(new MergingCollector(registry, new CustomLabelMapper(PGQ_NAMES)));
    }
}
