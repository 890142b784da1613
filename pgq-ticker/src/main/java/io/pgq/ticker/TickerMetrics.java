package io.pgq.ticker;

import com.codahale.metrics.MetricRegistry;

/**
 * Names of the Dropwizard metrics a {@link Ticker} registers, per database name:
 * <ul>
 *   <li>{@code pgq.ticker.<db>.ticks} (Meter): ticks created (one per queue that ticked);</li>
 *   <li>{@code pgq.ticker.<db>.tick-pass} (Timer): duration of one {@code pgq.ticker()} call;</li>
 *   <li>{@code pgq.ticker.<db>.maintenance} (Meter): maintenance operations run;</li>
 *   <li>{@code pgq.ticker.<db>.retries} (Meter): retry events moved back into their queues;</li>
 *   <li>{@code pgq.ticker.<db>.errors} (Meter): failed iterations;</li>
 *   <li>{@code pgq.ticker.<db>.leader} (Gauge, 1 or 0): this instance holds the leader lock;</li>
 *   <li>{@code pgq.ticker.<db>.healthy} (Gauge, 1 or 0): the database was reached recently.</li>
 * </ul>
 * The gauges exist while the ticker runs: {@link Ticker#start()} registers them and
 * {@link Ticker#stop(java.time.Duration)} removes them; the others stay and keep counting.
 */
public final class TickerMetrics {

    private TickerMetrics() {
    }

    public static String ticks(String db) {
        return MetricRegistry.name("pgq", "ticker", db, "ticks");
    }

    public static String tickPass(String db) {
        return MetricRegistry.name("pgq", "ticker", db, "tick-pass");
    }

    public static String maintenance(String db) {
        return MetricRegistry.name("pgq", "ticker", db, "maintenance");
    }

    public static String retries(String db) {
        return MetricRegistry.name("pgq", "ticker", db, "retries");
    }

    public static String errors(String db) {
        return MetricRegistry.name("pgq", "ticker", db, "errors");
    }

    public static String leader(String db) {
        return MetricRegistry.name("pgq", "ticker", db, "leader");
    }

    public static String healthy(String db) {
        return MetricRegistry.name("pgq", "ticker", db, "healthy");
    }
}
