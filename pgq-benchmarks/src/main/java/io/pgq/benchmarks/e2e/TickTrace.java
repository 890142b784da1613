package io.pgq.benchmarks.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * Where the commit-to-handler latency goes ({@code --tick-trace true}): a trigger on
 * {@code pgq.tick} logs every tick with the server's clock at its insert; each counted event's
 * queue, transaction id, commit time and handler time are kept; after the run each event is
 * matched with the first tick of its queue whose snapshot holds its transaction, which splits its
 * latency into commit to that tick and tick to handler. The tick's time comes from the server's
 * clock and the others from the benchmark's: the split means something when both run on one
 * machine. The trigger adds an insert to every tick, so a traced run is not a clean measurement.
 */
final class TickTrace {

    private static final String LOG_TABLE = "public.bench_tick_log";

    private record Sample(String queue, long txid, long commitMicros, long handlerMicros) {
    }

    /** A logged tick: the server's clock at its insert (epoch µs) and its snapshot's parts. */
    private record Tick(long loggedMicros, long xmin, long xmax, Set<Long> running) {

        /** Whether the tick's snapshot sees {@code txid} as committed. */
        boolean holds(long txid) {
            return txid < xmin || (txid < xmax && !running.contains(txid));
        }

        static Tick parse(long loggedMicros, String snapshot) {
            String[] parts = snapshot.split(":", -1);
            Set<Long> running = parts[2].isEmpty() ? Set.of()
                    : Arrays.stream(parts[2].split(",")).map(Long::valueOf).collect(Collectors.toUnmodifiableSet());
            return new Tick(loggedMicros, Long.parseLong(parts[0]), Long.parseLong(parts[1]), running);
        }
    }

    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();

    private TickTrace() {
    }

    /** Creates the log table and the trigger that fills it; call after the schema is installed. */
    static TickTrace install(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("create table " + LOG_TABLE + " (tick_queue int4, tick_id int8, logged timestamptz,"
                    + " snapshot text)");
            st.execute("create function public.bench_log_tick() returns trigger language plpgsql as $$ begin"
                    + " insert into " + LOG_TABLE + " values (new.tick_queue, new.tick_id, clock_timestamp(),"
                    + " new.tick_snapshot::text); return new; end $$");
            st.execute("create trigger bench_log_tick after insert on pgq.tick for each row"
                    + " execute function public.bench_log_tick()");
        }
        return new TickTrace();
    }

    /** One counted event; the times in microseconds since the epoch. */
    void record(String queue, long txid, long commitMicros, long handlerMicros) {
        samples.add(new Sample(queue, txid, commitMicros, handlerMicros));
    }

    /** The summary line's part: both halves of the latency, and how many events had no tick in the log. */
    String summary(DataSource dataSource) throws SQLException {
        Map<String, List<Tick>> ticks = loadTicks(dataSource);
        Histogram toTick = new Histogram(3);
        Histogram toHandler = new Histogram(3);
        int unmatched = 0;
        for (Sample s : samples) {
            Tick tick = firstHolding(ticks.getOrDefault(s.queue(), List.of()), s);
            if (tick == null) {
                unmatched++;
                continue;
            }
            toTick.recordValue(Math.max(0, tick.loggedMicros() - s.commitMicros()));
            toHandler.recordValue(Math.max(0, s.handlerMicros() - tick.loggedMicros()));
        }
        return "; commit->tick " + percentiles(toTick) + "; tick->handler " + percentiles(toHandler)
                + (unmatched == 0 ? "" : "; no tick found for " + unmatched + " events");
    }

    private static String percentiles(Histogram h) {
        return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms",
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    private static Map<String, List<Tick>> loadTicks(DataSource dataSource) throws SQLException {
        Map<String, List<Tick>> ticks = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select q.queue_name, (extract(epoch from l.logged) * 1e6)::int8, l.snapshot"
                     + " from " + LOG_TABLE + " l join pgq.queue q on q.queue_id = l.tick_queue"
                     + " order by l.tick_queue, l.tick_id")) {
            while (rs.next()) {
                ticks.computeIfAbsent(rs.getString(1), q -> new ArrayList<>()).add(Tick.parse(rs.getLong(2), rs.getString(3)));
            }
        }
        return ticks;
    }

    /**
     * The first tick (in id order, so in time order) that holds the event: found by time from
     * a second before its commit (clock reading differences), then by snapshot.
     */
    private static Tick firstHolding(List<Tick> ticks, Sample s) {
        int low = 0;
        int high = ticks.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (ticks.get(mid).loggedMicros() < s.commitMicros() - 1_000_000) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        for (int i = low; i < ticks.size(); i++) {
            if (ticks.get(i).holds(s.txid())) {
                return ticks.get(i);
            }
        }
        return null;
    }
}
