package io.pgq.benchmarks;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The insert and producer ratios measured as pairs: every client thread picks, for each operation,
 * the baseline or the candidate at random, so both see the same moments of a shared machine (the
 * fsync time of one commit varies several-fold from minute to minute here, which makes separate
 * JMH runs of a baseline and a candidate disagree by more than the effect measured). The ratio is
 * the baseline's mean operation time over the candidate's, i.e. the candidate's throughput
 * relative to the baseline's.
 *
 * <pre>
 * java [-Dscenario=TEXT] -cp pgq-benchmarks/target/benchmarks.jar io.pgq.benchmarks.PairedRatio [seconds] [impl...]
 * </pre>
 *
 * Scenarios: {@code insert_event} one per transaction with 4 clients vs one INSERT into the
 * baseline table; 100 per transaction in one statement vs one INSERT ... SELECT of 100 rows;
 * the producer's {@code send} vs a JDBC INSERT, three ways: both through the client's pool (1 client,
 * as {@link ProducerBenchmark}, and 4 clients), both on one held connection ({@code send(Connection,
 * ...)}), and the pooled {@code send} vs an INSERT on a held connection; {@code sendAll} of 1,000 vs a JDBC batch INSERT of 1,000 rows; the typed consumer with a no-op handler vs a raw JDBC loop over
 * {@code pgq.get_batch_events} (both over the same 10,000-event batch, {@link ConsumerBenchmark}).
 * The producer and consumer scenarios run for pgq-java only.
 */
public final class PairedRatio {

    static final String QUEUE = "bench_paired";
    static final String BASELINE = "bench_baseline";
    static final String PAYLOAD = InsertBenchmark.PAYLOAD;

    /** One operation of a pair; each client thread gets its own. */
    interface Op {
        void run() throws Exception;
    }

    /** Creates a client's pair of operations (index 0 baseline, 1 candidate) and its cleanup. */
    interface Client extends AutoCloseable {
        Op baseline();

        Op candidate();

        @Override
        void close() throws SQLException;
    }

    interface ClientFactory {
        Client open() throws SQLException;
    }

    private PairedRatio() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        List<String> impls = args.length > 1 ? List.of(args).subList(1, args.length)
                : List.of(BenchDatabase.PGQ_JAVA, BenchDatabase.REFERENCE);
        System.out.printf("%-44s %-10s %12s %12s %8s%n", "scenario", "impl", "baseline", "candidate", "ratio");
        for (String impl : impls) {
            try (BenchDatabase db = BenchDatabase.create(impl)) {
                db.execute("SELECT pgq.create_queue('" + QUEUE + "')");
                db.createBaselineTable(BASELINE);
                run("insert_event, 1 per tx, 4 clients", impl, seconds, 4, () -> insertOne(db));
                run("insert_event x100 in one statement", impl, seconds, 1, () -> insertHundred(db));
                if (impl.equals(BenchDatabase.PGQ_JAVA)) {
                    try (Pgq pgq = db.client(4)) {
                        run("producer send, 1 client, pooled", impl, seconds, 1, () -> sendPooled(pgq));
                        run("producer send, 4 clients, pooled", impl, seconds, 4, () -> sendPooled(pgq));
                        run("producer send(conn), 4 clients, held", impl, seconds, 4, () -> sendHeld(db, pgq));
                        run("producer send, 4 clients, vs held", impl, seconds, 4, () -> send(db, pgq));
                        run("producer sendAll of 1,000", impl, seconds, 1, () -> sendAll(db, pgq));
                    }
                }
            }
        }
        if (impls.contains(BenchDatabase.PGQ_JAVA)) {
            run("typed consumer, 10,000-event batches", BenchDatabase.PGQ_JAVA, seconds, 1, PairedRatio::consume);
        }
    }

    private static void run(String scenario, String impl, int seconds, int clients, ClientFactory factory)
            throws Exception {
        String only = System.getProperty("scenario");
        if (only != null && !scenario.contains(only)) {
            return;
        }
        measure(factory, clients, Math.max(2, seconds / 5));   // warm-up
        double[] means = measure(factory, clients, seconds);
        System.out.printf(Locale.ROOT, "%-44s %-10s %9.1f us %9.1f us %7.2fx%n",
                scenario, impl, means[0] / 1e3, means[1] / 1e3, means[0] / means[1]);
    }

    /** Mean nanoseconds per operation of the baseline and of the candidate. */
    private static double[] measure(ClientFactory factory, int clients, int seconds) throws Exception {
        LongAdder[] nanos = {new LongAdder(), new LongAdder()};
        LongAdder[] counts = {new LongAdder(), new LongAdder()};
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            Client client = factory.open();
            Thread thread = new Thread(() -> {
                try (client) {
                    Op[] ops = {client.baseline(), client.candidate()};
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (System.nanoTime() < deadline) {
                        int which = random.nextInt(2);
                        long start = System.nanoTime();
                        ops[which].run();
                        nanos[which].add(System.nanoTime() - start);
                        counts[which].increment();
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return new double[] {nanos[0].doubleValue() / counts[0].sum(), nanos[1].doubleValue() / counts[1].sum()};
    }

    private static Client insertOne(BenchDatabase db) throws SQLException {
        Connection c = db.connect();
        PreparedStatement plain = c.prepareStatement(
                "INSERT INTO " + BASELINE + " (ev_time, ev_type, ev_data) VALUES (now(), 'bench', ?)");
        PreparedStatement event = c.prepareStatement("SELECT pgq.insert_event('" + QUEUE + "', 'bench', ?)");
        return client(c, () -> {
            plain.setString(1, PAYLOAD);
            plain.executeUpdate();
        }, () -> {
            event.setString(1, PAYLOAD);
            event.executeQuery().close();
        });
    }

    private static Client insertHundred(BenchDatabase db) throws SQLException {
        Connection c = db.connect();
        PreparedStatement plain = c.prepareStatement("INSERT INTO " + BASELINE + " (ev_time, ev_type, ev_data) "
                + "SELECT now(), 'bench', ? || i FROM generate_series(1, 100) i");
        PreparedStatement events = c.prepareStatement("SELECT pgq.insert_event('" + QUEUE + "', 'bench', ? || i) "
                + "FROM generate_series(1, 100) i");
        return client(c, () -> {
            plain.setString(1, PAYLOAD);
            plain.executeUpdate();
        }, () -> {
            events.setString(1, PAYLOAD);
            events.executeQuery().close();
        });
    }

    /**
     * {@code send} vs a plain INSERT as an application writes one with a pool: both borrow a
     * connection from the client's pool, run one statement in auto-commit and give it back.
     */
    private static Client sendPooled(Pgq pgq) {
        return client(() -> {
        }, () -> {
            try (Connection c = pgq.dataSource().getConnection();
                 PreparedStatement plain = c.prepareStatement(ProducerBenchmark.BASELINE_INSERT)) {
                bind(plain, 0);
                plain.executeUpdate();
            }
        }, () -> pgq.producer().send(QUEUE, "bench", PAYLOAD));
    }

    /** {@code send} on the caller's connection (auto-commit) vs a plain INSERT on the same connection. */
    private static Client sendHeld(BenchDatabase db, Pgq pgq) throws SQLException {
        Connection c = db.connect();
        OutgoingEvent event = OutgoingEvent.of("bench", PAYLOAD);
        return client(c, heldInsert(c), () -> pgq.producer().send(c, QUEUE, event));
    }

    /**
     * {@code send} through the pool vs a plain INSERT on a connection held for the whole run,
     * with its statement prepared once: the pool's borrowing and the second backend process
     * weigh on the candidate only.
     */
    private static Client send(BenchDatabase db, Pgq pgq) throws SQLException {
        Connection c = db.connect();
        return client(c, heldInsert(c), () -> pgq.producer().send(QUEUE, "bench", PAYLOAD));
    }

    /** The baseline on a held connection: one INSERT in auto-commit, its statement prepared once. */
    private static Op heldInsert(Connection c) throws SQLException {
        PreparedStatement plain = c.prepareStatement(ProducerBenchmark.BASELINE_INSERT);
        return () -> {
            bind(plain, 0);
            plain.executeUpdate();
        };
    }

    private static Client sendAll(BenchDatabase db, Pgq pgq) throws SQLException {
        Connection c = db.connect();
        PreparedStatement plain = c.prepareStatement(ProducerBenchmark.BASELINE_INSERT);
        List<OutgoingEvent> events = ProducerBenchmark.events(1_000);
        return client(c, () -> {
            c.setAutoCommit(false);
            for (int i = 0; i < 1_000; i++) {
                bind(plain, i);
                plain.addBatch();
            }
            plain.executeBatch();
            c.commit();
            c.setAutoCommit(true);
        }, () -> pgq.producer().sendAll(QUEUE, events));
    }

    /**
     * The consumer pair of {@link ConsumerBenchmark}: the typed consumer's {@code runOnce} and the
     * raw JDBC {@code get_batch_events} loop, each over the same 10,000-event batch.
     */
    private static Client consume() throws SQLException {
        ConsumerBenchmark bench = new ConsumerBenchmark();
        bench.impl = BenchDatabase.PGQ_JAVA;
        bench.setUp();
        return new Client() {
            @Override
            public Op baseline() {
                return bench::baselineRawJdbc10k;
            }

            @Override
            public Op candidate() {
                return bench::consumeTyped10k;
            }

            @Override
            public void close() throws SQLException {
                bench.tearDown();
            }
        };
    }

    private static void bind(PreparedStatement st, int i) throws SQLException {
        ProducerBenchmark.bind(st, i);
    }

    private static Client client(Connection c, Op baseline, Op candidate) {
        return client(c::close, baseline, candidate);
    }

    /** Something to close when a client is done. */
    private interface Cleanup {
        void close() throws SQLException;
    }

    private static Client client(Cleanup cleanup, Op baseline, Op candidate) {
        return new Client() {
            @Override
            public Op baseline() {
                return baseline;
            }

            @Override
            public Op candidate() {
                return candidate;
            }

            @Override
            public void close() throws SQLException {
                cleanup.close();
            }
        };
    }
}
