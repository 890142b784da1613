package io.pgq.core;

import com.codahale.metrics.MetricRegistry;

/**
 * Names of the Dropwizard metrics the producer registers, per queue (like {@code TickerMetrics}
 * and {@code ConsumerMetrics}); listed in {@code docs/producing.md}.
 *
 * <table>
 *   <caption>Producer metrics</caption>
 *   <tr><th>Name</th><th>Type</th><th>Meaning</th></tr>
 *   <tr><td>{@code pgq.producer.<queue>.events}</td><td>Meter</td><td>events sent (committed or joined to the caller's transaction)</td></tr>
 *   <tr><td>{@code pgq.producer.<queue>.send}</td><td>Timer</td><td>latency of one send / sendAll / copy call</td></tr>
 *   <tr><td>{@code pgq.producer.<queue>.batch-size}</td><td>Histogram</td><td>events per sendAll / copy call</td></tr>
 *   <tr><td>{@code pgq.producer.<queue>.errors}</td><td>Meter</td><td>calls that failed</td></tr>
 * </table>
 */
public final class ProducerMetrics {

    private ProducerMetrics() {
    }

    public static String events(String queue) {
        return MetricRegistry.name("pgq", "producer", queue, "events");
    }

    public static String send(String queue) {
        return MetricRegistry.name("pgq", "producer", queue, "send");
    }

    public static String batchSize(String queue) {
        return MetricRegistry.name("pgq", "producer", queue, "batch-size");
    }

    public static String errors(String queue) {
        return MetricRegistry.name("pgq", "producer", queue, "errors");
    }
}
