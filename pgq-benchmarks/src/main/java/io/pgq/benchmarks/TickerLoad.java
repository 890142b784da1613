package io.pgq.benchmarks;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import io.pgq.ticker.TickerMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The ticker's cost and latency with default settings (issue figures):
 * <ol>
 *   <li>with N queues (default 1,000), the time of one tick pass and the database CPU the ticker's
 *       session uses per second of wall time (read from /proc of the server backend, so the
 *       server must run on this machine);</li>
 *   <li>the time from an event's commit to the tick that makes it deliverable, p50/p99, with one
 *       producer sending R events/s (default 1,000) one per transaction.</li>
 * </ol>
 * <pre>java -cp pgq-benchmarks/target/benchmarks.jar io.pgq.benchmarks.TickerLoad [queues] [rate] [seconds]</pre>
 */
public final class TickerLoad {

    private TickerLoad() {
    }

    public static void main(String[] args) throws Exception {
        int queues = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        try (BenchDatabase db = BenchDatabase.create(BenchDatabase.PGQ_JAVA)) {
            System.out.println("Database: " + db.describe() + ", ticker defaults: " + TickerConfig.defaults());
            tickPassCost(db, queues, seconds);
            commitToTickLatency(db, rate, seconds);
        }
    }

    static void tickPassCost(BenchDatabase db, int queues, int seconds) throws Exception {
        for (int from = 1; from <= queues; from += 100) {   // 100 per transaction: each takes a dozen locks
            db.execute("SELECT count(pgq.create_queue('load_' || i)) FROM generate_series(" + from + ", "
                    + Math.min(queues, from + 99) + ") i");
        }
        MetricRegistry metrics = new MetricRegistry();
        try (Ticker ticker = Ticker.builder("load", db.dataSourceForBench()).config(TickerConfig.defaults()).metrics(metrics).build()) {
            ticker.start();
            Thread.sleep(2_000);
            int pid = tickerBackendPid(db);
            double cpu0 = backendCpuSeconds(pid);
            long t0 = System.nanoTime();
            long passes0 = metrics.timer(TickerMetrics.tickPass("load")).getCount();
            Thread.sleep(seconds * 1_000L);
            double cpu = backendCpuSeconds(pid) - cpu0;
            double wall = (System.nanoTime() - t0) / 1e9;
            long passes = metrics.timer(TickerMetrics.tickPass("load")).getCount() - passes0;
            Snapshot s = metrics.timer(TickerMetrics.tickPass("load")).getSnapshot();
            System.out.printf(Locale.ROOT, "%d queues, idle: %d tick passes in %.1f s; tick pass p50 %.2f ms, p99 %.2f ms; "
                    + "ticker backend CPU %.3f s per second (%.1f%% of one core)%n", queues, passes, wall,
                    s.getMedian() / 1e6, s.get99thPercentile() / 1e6, cpu / wall, 100 * cpu / wall);
        }
        for (int from = 1; from <= queues; from += 100) {
            db.execute("SELECT count(pgq.drop_queue('load_' || i)) FROM generate_series(" + from + ", "
                    + Math.min(queues, from + 99) + ") i");
        }
    }

    static int tickerBackendPid(BenchDatabase db) throws Exception {
        // the leader's tick loop takes and renews the lease on its own session
        return (int) db.scalarLong("SELECT tl_pid FROM pgq.ticker_lease WHERE tl_owner IS NOT NULL LIMIT 1");
    }

    /** utime + stime of a process from /proc/PID/stat, in seconds. */
    static double backendCpuSeconds(int pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return Double.NaN;
        }
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks / 100.0;
    }

    static void commitToTickLatency(BenchDatabase db, int rate, int seconds) throws Exception {
        db.execute("SELECT pgq.create_queue('latency')");
        try (Ticker ticker = Ticker.builder("latency", db.dataSourceForBench()).config(TickerConfig.defaults()).metrics(new MetricRegistry()).build();
             Connection producer = db.connect()) {
            ticker.start();
            Thread.sleep(1_000);
            List<long[]> committed = produce(producer, rate, seconds);
            Thread.sleep(500);
            Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
            try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                    "SELECT e.ev_id, (extract(epoch FROM (SELECT min(t.tick_time) FROM pgq.tick t "
                            + "WHERE t.tick_queue = q.queue_id AND txid_visible_in_snapshot(e.ev_txid, t.tick_snapshot))) "
                            + "* 1000000)::bigint FROM pgq.event_template e, pgq.queue q WHERE q.queue_name = 'latency' "
                            + "AND e.tableoid::regclass::text LIKE 'pgq.event_' || q.queue_id || '_%'");
                 ResultSet rs = st.executeQuery()) {
                java.util.Map<Long, Long> tickMicros = new java.util.HashMap<>();
                while (rs.next()) {
                    tickMicros.put(rs.getLong(1), rs.getLong(2));
                }
                for (long[] ev : committed) {
                    Long tick = tickMicros.get(ev[0]);
                    if (tick != null) {
                        h.recordValue(Math.max(0, tick - ev[1]));
                    }
                }
            }
            System.out.printf(Locale.ROOT, "commit -> tick at %d events/s (one per transaction, default settings): "
                    + "%d events, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", rate, h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
        }
    }

    /** Sends at a fixed rate; returns {ev_id, commit time in epoch microseconds}. */
    static List<long[]> produce(Connection c, int rate, int seconds) throws Exception {
        List<long[]> committed = new ArrayList<>();
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        try (Statement st = c.createStatement()) {
            for (long i = 0; i < (long) rate * seconds; i++) {
                long due = start + i * intervalNanos;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                try (ResultSet rs = st.executeQuery("SELECT pgq.insert_event('latency', 't', 'x')")) {
                    rs.next();
                    java.time.Instant now = java.time.Instant.now();
                    committed.add(new long[] {rs.getLong(1), now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000});
                }
            }
        }
        return committed;
    }
}
