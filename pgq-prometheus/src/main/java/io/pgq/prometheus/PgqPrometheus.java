package io.pgq.prometheus;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
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
 * {@code pgq.ticker.app.ticks} becomes {@code pgq_ticker_ticks_total{db="app"}}. A queue,
 * consumer or database name that contains a dot does not fit these patterns; its metrics keep
 * the flat name ({@code pgq_consumer_orders_dlq_pgq_resend_events_total}). The application's
 * other metrics are exported under their own names (dots and dashes become underscores).
 * Meters become counters ({@code _total}), timers summaries in seconds, histograms summaries,
 * gauges gauges. Stateless.
 */
public final class PgqPrometheus {

    private static final List<MapperConfig> PGQ_NAMES = List.of(
            consumer("lag.seconds", "lag_seconds"),
            consumer("event-lag.seconds", "event_lag_seconds"),
            consumer("pending.events", "pending_events"),
            new MapperConfig("pgq.consumer.*.*.*", "pgq_consumer_${2}", Map.of("queue", "${0}", "consumer", "${1}")),
            new MapperConfig("pgq.producer.*.*", "pgq_producer_${1}", Map.of("queue", "${0}")),
            new MapperConfig("pgq.ticker.*.*", "pgq_ticker_${1}", Map.of("db", "${0}")));

    private PgqPrometheus() {
    }

    private static MapperConfig consumer(String suffix, String name) {
        return new MapperConfig("pgq.consumer.*.*." + suffix, "pgq_consumer_" + name,
                Map.of("queue", "${0}", "consumer", "${1}"));
    }

    /** Adds every metric of {@code registry}, now and later, to {@code prometheus}. */
    public static void register(MetricRegistry registry, PrometheusRegistry prometheus) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(prometheus, "prometheus");
        DropwizardExports.builder().dropwizardRegistry(registry).customLabelMapper(new CustomLabelMapper(PGQ_NAMES))
                .register(prometheus);
    }
}
