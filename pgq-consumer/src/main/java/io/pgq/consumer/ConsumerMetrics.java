package io.pgq.consumer;

import com.codahale.metrics.MetricRegistry;

/**
 * Names of the Dropwizard metrics a {@link PgqConsumer} registers in the client's
 * {@code MetricRegistry}; {@code <consumer>} is the group name for a group. The table is also in
 * {@code docs/consuming.md}.
 *
 * <table>
 *   <caption>Consumer metrics</caption>
 *   <tr><th>Name</th><th>Type</th><th>Meaning</th></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.events}</td><td>Meter</td><td>events handled, whatever the outcome</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.batches}</td><td>Meter</td><td>batches finished</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.batch-size}</td><td>Histogram</td><td>events per finished batch</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.handler}</td><td>Timer</td><td>handler latency: per event (the first 64 of a batch, then every 16th), or per batch for a batch handler; percentiles of the last 1028 samples</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.retries}</td><td>Meter</td><td>events scheduled for another delivery</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.dead-letters}</td><td>Meter</td><td>events moved to the dead-letter queue</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.ignored}</td><td>Meter</td><td>events without a handler, skipped (not strict)</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.errors}</td><td>Meter</td><td>failed attempts to get or finish a batch (database errors); the batch is delivered again</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.takeovers}</td><td>Meter</td><td>batches this JVM's members took over from dead members</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.lag.seconds}</td><td>Gauge&lt;Double&gt;</td><td>age of the consumer's position ({@code get_consumer_info.lag}); read from the database at most every 5 s, and only when the gauge is read</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.pending.events}</td><td>Gauge&lt;Long&gt;</td><td>events (approximately) between the position and the newest tick</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.event-lag.seconds}</td><td>Gauge&lt;Double&gt;</td><td>age of the oldest event the consumer has not handled, 0 when caught up ({@code ConsumerInfo.eventLag}); read like {@code lag.seconds}. Alert on this one</td></tr>
 *   <tr><td>{@code pgq.consumer.<queue>.<consumer>.healthy}</td><td>Gauge&lt;Integer&gt;</td><td>1 while {@code PgqConsumer.health()} is healthy (running, ticks coming, no thread failing), else 0</td></tr>
 * </table>
 */
public final class ConsumerMetrics {

    private ConsumerMetrics() {
    }

    public static String events(String queue, String consumer) {
        return name(queue, consumer, "events");
    }

    public static String batches(String queue, String consumer) {
        return name(queue, consumer, "batches");
    }

    public static String batchSize(String queue, String consumer) {
        return name(queue, consumer, "batch-size");
    }

    public static String handler(String queue, String consumer) {
        return name(queue, consumer, "handler");
    }

    public static String retries(String queue, String consumer) {
        return name(queue, consumer, "retries");
    }

    public static String deadLetters(String queue, String consumer) {
        return name(queue, consumer, "dead-letters");
    }

    public static String ignored(String queue, String consumer) {
        return name(queue, consumer, "ignored");
    }

    public static String errors(String queue, String consumer) {
        return name(queue, consumer, "errors");
    }

    public static String takeovers(String queue, String consumer) {
        return name(queue, consumer, "takeovers");
    }

    public static String lagSeconds(String queue, String consumer) {
        return name(queue, consumer, "lag.seconds");
    }

    public static String pendingEvents(String queue, String consumer) {
        return name(queue, consumer, "pending.events");
    }

    public static String eventLagSeconds(String queue, String consumer) {
        return name(queue, consumer, "event-lag.seconds");
    }

    public static String healthy(String queue, String consumer) {
        return name(queue, consumer, "healthy");
    }

    private static String name(String queue, String consumer, String metric) {
        return MetricRegistry.name("pgq", "consumer", queue, consumer, metric);
    }
}
