package io.pgq.benchmarks;

import com.codahale.metrics.MetricRegistry;
import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.PgqConsumer;
import io.pgq.core.Pgq;
import io.pgq.testing.TestDatabase;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * What idle queues cost: N queues without events (default 1,024: 64 topics of 16 partitions),
 * the database CPU of the ticker's server processes per second of wall time (from /proc, so the
 * server must run on this machine), for the pgq-java ticker with its defaults and, in the same
 * run, for the reference {@code pgqd} (defaults: ticks once a second) on the reference
 * extension; then, for the pgq-java ticker, the time from the commit of the first event after
 * an idle period to the tick notification that wakes its consumer, and to the handler of a
 * consumer on its defaults.
 * <pre>java -cp pgq-benchmarks/target/benchmarks.jar io.pgq.benchmarks.IdleTickerLoad [queues] [seconds] [rounds]</pre>
 * Needs PGQ_TEST_JDBC_URL on a local PostgreSQL with postgresql-15-pgq3 and {@code pgqd} on
 * PATH for the reference half (skipped with a message otherwise). Rounds alternate the two.
 */
public final class IdleTickerLoad {

    private IdleTickerLoad() {
    }

    public static void main(String[] args) throws Exception {
        int queues = args.length > 0 ? Integer.parseInt(args[0]) : 1_024;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        System.out.println("ticker defaults: " + TickerConfig.defaults());
        for (int round = 1; round <= rounds; round++) {
            try (BenchDatabase db = BenchDatabase.create(BenchDatabase.PGQ_JAVA)) {
                createQueues(db, queues);
                pgqJava(db, queues, seconds, round);
            }
            try (BenchDatabase db = BenchDatabase.create(BenchDatabase.REFERENCE)) {
                createQueues(db, queues);
                pgqd(db, queues, seconds, round);
            } catch (java.sql.SQLException e) {
                System.out.println("reference skipped: " + e.getMessage());
            }
        }
    }

    static void createQueues(BenchDatabase db, int queues) throws Exception {
        for (int from = 1; from <= queues; from += 100) {
            db.execute("SELECT count(pgq.create_queue('idle_' || i)) FROM generate_series(" + from + ", "
                    + Math.min(queues, from + 99) + ") i");
        }
    }

    static void pgqJava(BenchDatabase db, int queues, int seconds, int round) throws Exception {
        try (Ticker ticker = Ticker.builder("idle", db.dataSourceForBench()).config(TickerConfig.defaults())
                .metrics(new MetricRegistry()).build()) {
            // a queue's very first event leaves its sequence where a fresh one stands (last value 1)
            // and waits for an idle tick; the latency samples use a queue that is past it
            db.execute("SELECT pgq.insert_event('idle_1', 't', 'warm-up')", "SELECT pgq.insert_event('idle_2', 't', 'warm-up')");
            ticker.start();
            Thread.sleep(3_000);   // the first passes tick every queue once
            // the tick loop's session and the maintenance loop's: every session of the ticker
            List<Integer> pids = sessions(db, "application_name IN ('pgq-ticker', 'pgq-ticker-maintenance')");
            double share = cpuShare(pids, seconds);
            System.out.printf(Locale.ROOT, "round %d: pgq-java ticker, %d idle queues, %d s, %d session(s): database CPU %.2f%% of one core%n",
                    round, queues, seconds, pids.size(), 100 * share);
            firstEventAfterIdle(db, round);
            firstEventToHandler(db, round);
        }
    }

    /**
     * Five times: idle 3 s, then one event; the time from its commit to its handler, with a
     * {@link PgqConsumer} on its defaults (LISTEN wake-up) on one of the idle queues.
     */
    static void firstEventToHandler(BenchDatabase db, int round) throws Exception {
        String queue = "idle_2";
        BlockingQueue<Long> handled = new LinkedBlockingQueue<>();
        List<Double> millis = new ArrayList<>();
        try (Pgq pgq = db.client(4);
             PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder(queue, "first-event").build())
                     .otherwise(e -> {
                         handled.add(System.nanoTime());
                         return Outcome.done();
                     }).build();
             Connection producer = db.connect(); Statement st = producer.createStatement()) {
            consumer.start();
            for (int i = 0; i < 5; i++) {
                Thread.sleep(3_000);
                handled.clear();
                st.execute("SELECT pgq.insert_event('" + queue + "', 't', 'x')");
                long committed = System.nanoTime();
                Long at = handled.poll(10, TimeUnit.SECONDS);
                millis.add(at == null ? Double.NaN : (at - committed) / 1e6);
            }
        }
        System.out.printf(Locale.ROOT, "round %d: pgq-java, first event after 3 s idle, commit -> its handler (PgqConsumer defaults): %s ms%n",
                round, millis.stream().map(m -> String.format(Locale.ROOT, "%.1f", m)).toList());
    }

    static void pgqd(BenchDatabase db, int queues, int seconds, int round) throws Exception {
        TestDatabase t = db.testDatabase();
        java.net.URI uri = java.net.URI.create(t.jdbcUrl().substring(5));
        Path ini = Files.createTempFile("pgqd", ".ini");
        Files.writeString(ini, "[pgqd]\nbase_connstr = host=" + uri.getHost() + " port=" + uri.getPort()
                + " user=" + (t.user() == null ? "postgres" : t.user()) + "\ndatabase_list = " + t.name() + "\n");
        Process pgqd;
        try {
            pgqd = new ProcessBuilder("pgqd", ini.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            System.out.println("reference skipped: no pgqd on PATH (" + e.getMessage() + ")");
            return;
        }
        try {
            Thread.sleep(3_000);
            List<Integer> pids = sessions(db, "true");
            double share = cpuShare(pids, seconds);
            System.out.printf(Locale.ROOT, "round %d: pgqd (defaults), %d idle queues, %d s, %d session(s): database CPU %.2f%% of one core%n",
                    round, queues, seconds, pids.size(), 100 * share);
        } finally {
            pgqd.destroy();
            pgqd.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            Files.deleteIfExists(ini);
        }
    }

    /** The client sessions of the database (but the caller's) that {@code condition} selects. */
    static List<Integer> sessions(BenchDatabase db, String condition) throws Exception {
        List<Integer> pids = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                     + "AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND " + condition)) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    /** Five times: idle 3 s, then one event; the time from its commit to the notification of its queue's tick. */
    static void firstEventAfterIdle(BenchDatabase db, int round) throws Exception {
        List<Double> millis = new ArrayList<>();
        try (Connection listener = db.connect(); Connection producer = db.connect()) {
            listener.createStatement().execute("LISTEN pgq_tick");
            PGConnection pg = listener.unwrap(PGConnection.class);
            for (int i = 0; i < 5; i++) {
                Thread.sleep(3_000);
                pg.getNotifications(1);                 // drop the idle ticks' notifications
                String queue = "idle_1";
                producer.createStatement().execute("SELECT pgq.insert_event('" + queue + "', 't', 'x')");
                long committed = System.nanoTime();
                long deadline = committed + 10_000_000_000L;
                boolean seen = false;
                while (!seen && System.nanoTime() < deadline) {
                    PGNotification[] notes = pg.getNotifications(100);
                    for (PGNotification n : notes == null ? new PGNotification[0] : notes) {
                        seen |= n.getParameter().equals(queue);
                    }
                }
                millis.add(seen ? (System.nanoTime() - committed) / 1e6 : Double.NaN);
                if (!seen) {
                    try (Statement st = producer.createStatement(); ResultSet rs = st.executeQuery(
                            "SELECT string_agg(tick_id || '@' || tick_time || '/' || tick_event_seq, ' ') || ' seq ' || "
                            + "(SELECT pg_sequence_last_value(queue_event_seq::regclass) FROM pgq.queue WHERE queue_name = '" + queue
                            + "') || ' now ' || now() FROM pgq.tick WHERE tick_queue = (SELECT queue_id FROM pgq.queue WHERE queue_name = '"
                            + queue + "')")) {
                        rs.next();
                        System.out.println("no tick notification for " + queue + ": ticks " + rs.getString(1));
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "round %d: pgq-java, first event after 3 s idle, commit -> tick notification: %s ms%n",
                round, millis.stream().map(m -> String.format(Locale.ROOT, "%.1f", m)).toList());
    }

    static double cpuShare(List<Integer> pids, int seconds) throws Exception {
        double cpu0 = 0;
        for (int pid : pids) {
            cpu0 += TickerLoad.backendCpuSeconds(pid);
        }
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1_000L);
        double cpu1 = 0;
        for (int pid : pids) {
            cpu1 += TickerLoad.backendCpuSeconds(pid);
        }
        return (cpu1 - cpu0) / ((System.nanoTime() - t0) / 1e9);
    }
}
