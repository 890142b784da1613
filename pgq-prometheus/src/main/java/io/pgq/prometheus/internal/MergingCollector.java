package io.pgq.prometheus.internal;

import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a Dropwizard registry like the Prometheus {@code DropwizardExports}, except that pgq's
 * metrics ({@code pgq.*}) that map to one Prometheus name with different labels (two consumers,
 * the partitions of a topic, two members) become one metric with a series per label set: the
 * exporter alone fails the whole scrape with "duplicate metric name" then. The application's
 * other metrics go through one exporter as they are; each pgq metric is converted on its own
 * (through a registry holding only it) and those sharing a name are merged. Gauges, counters and
 * summaries (what Dropwizard metrics become) are merged; of snapshots of another type, or of
 * different types under one name, the first is kept. Thread-safe.
 */
public final class MergingCollector implements MultiCollector {

    private static final String PGQ = "pgq.";

    private final MetricRegistry registry;
    private final CustomLabelMapper mapper;
    private final DropwizardExports others;

    public MergingCollector(MetricRegistry registry, CustomLabelMapper mapper) {
        this.registry = registry;
        this.mapper = mapper;
        this.others = new DropwizardExports(registry, (name, metric) -> !name.startsWith(PGQ), mapper);
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, List<MetricSnapshot>> byName = new LinkedHashMap<>();
        others.collect().forEach(s -> add(byName, s));
        registry.getMetrics().forEach((name, metric) -> {
            if (name.startsWith(PGQ)) {
                MetricRegistry single = new MetricRegistry();
                single.register(name, metric);
                new DropwizardExports(single, MetricFilter.ALL, mapper).collect().forEach(s -> add(byName, s));
            }
        });
        List<MetricSnapshot> merged = new ArrayList<>(byName.size());
        byName.values().forEach(same -> merged.add(same.size() == 1 ? same.get(0) : merge(same)));
        return new MetricSnapshots(merged);
    }

    private static void add(Map<String, List<MetricSnapshot>> byName, MetricSnapshot s) {
        byName.computeIfAbsent(s.getMetadata().getPrometheusName(), n -> new ArrayList<>()).add(s);
    }

    private static MetricSnapshot merge(List<MetricSnapshot> same) {
        MetricSnapshot first = same.get(0);
        if (!same.stream().allMatch(s -> s.getClass() == first.getClass())) {
            return first;
        }
        if (first instanceof GaugeSnapshot) {
            List<GaugeSnapshot.GaugeDataPointSnapshot> points = new ArrayList<>();
            same.forEach(s -> points.addAll(((GaugeSnapshot) s).getDataPoints()));
            return new GaugeSnapshot(first.getMetadata(), points);
        }
        if (first instanceof CounterSnapshot) {
            List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>();
            same.forEach(s -> points.addAll(((CounterSnapshot) s).getDataPoints()));
            return new CounterSnapshot(first.getMetadata(), points);
        }
        if (first instanceof SummarySnapshot) {
            List<SummarySnapshot.SummaryDataPointSnapshot> points = new ArrayList<>();
            same.forEach(s -> points.addAll(((SummarySnapshot) s).getDataPoints()));
            return new SummarySnapshot(first.getMetadata(), points);
        }
        return first;
    }
}
