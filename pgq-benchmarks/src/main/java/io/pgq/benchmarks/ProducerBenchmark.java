package io.pgq.benchmarks;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.PGConnection;

/**
 * The pgq-core producer against plain JDBC into a baseline table of the same shape, one client,
 * in events per second: {@code send} in its own transaction vs one INSERT, on a held connection
 * with its statement prepared once ({@code baselineInsert1PerTx}) and through the client's pool as
 * an application would write it ({@code baselineInsertPooled1PerTx}); {@code sendAll} of
 * 1,000 events vs a JDBC batch INSERT of 1,000 rows; {@code copy} of 100,000 events vs a raw COPY
 * of the same rows. {@code insertEventSql1000PerTx} (one statement calling {@code pgq.insert_event}
 * 1,000 times) is the figure to compare with the reference ({@code -p impl=reference}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class ProducerBenchmark {

    static final String QUEUE = "bench_producer";
    static final String BASELINE = "bench_baseline";
    static final String PAYLOAD = InsertBenchmark.PAYLOAD;
    static final String BASELINE_INSERT = "INSERT INTO " + BASELINE
            + " (ev_time, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4) VALUES (now(), ?, ?, ?, ?, ?, ?)";

    @Param({BenchDatabase.PGQ_JAVA})
    public String impl;

    BenchDatabase db;
    Pgq pgq;
    Connection jdbc;
    PreparedStatement baselineInsert;
    PreparedStatement insertEvent1000;
    List<OutgoingEvent> events1000;
    List<OutgoingEvent> events100k;
    byte[] copy100k;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchDatabase.create(impl);
        db.execute("SELECT pgq.create_queue('" + QUEUE + "')");
        db.createBaselineTable(BASELINE);
        pgq = db.client(2);
        jdbc = db.connect();
        baselineInsert = jdbc.prepareStatement(BASELINE_INSERT);
        insertEvent1000 = jdbc.prepareStatement("SELECT count(pgq.insert_event('" + QUEUE + "', 'bench', ? || i)) "
                + "FROM generate_series(1, 1000) i");
        events1000 = events(1_000);
        events100k = events(100_000);
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            rows.append("2026-11-25 10:00:00+00\tbench\t").append(PAYLOAD).append(i).append("\t\\N\t\\N\t\\N\t\\N\n");
        }
        copy100k = rows.toString().getBytes(StandardCharsets.UTF_8);
    }

    static List<OutgoingEvent> events(int n) {
        List<OutgoingEvent> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(OutgoingEvent.of("bench", PAYLOAD + i));
        }
        return list;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        jdbc.close();
        pgq.close();
        db.close();
    }

    @Benchmark
    public long send1PerTx() {
        return pgq.producer().send(QUEUE, "bench", PAYLOAD);
    }

    @Benchmark
    public int baselineInsert1PerTx() throws SQLException {
        jdbc.setAutoCommit(true);
        bindBaseline(0);
        return baselineInsert.executeUpdate();
    }

    /** The baseline as an application writes it with a pool: borrow, one INSERT in auto-commit, give back. */
    @Benchmark
    public int baselineInsertPooled1PerTx() throws SQLException {
        try (Connection c = pgq.dataSource().getConnection(); PreparedStatement st = c.prepareStatement(BASELINE_INSERT)) {
            bind(st, 0);
            return st.executeUpdate();
        }
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public long[] sendAll1000PerTx() {
        return pgq.producer().sendAll(QUEUE, events1000);
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public int[] baselineBatchInsert1000PerTx() throws SQLException {
        jdbc.setAutoCommit(false);
        for (int i = 0; i < 1_000; i++) {
            bindBaseline(i);
            baselineInsert.addBatch();
        }
        int[] counts = baselineInsert.executeBatch();
        jdbc.commit();
        return counts;
    }

    private void bindBaseline(int i) throws SQLException {
        bind(baselineInsert, i);
    }

    /** Binds row {@code i} of the baseline: type, payload {@code i}, no extra fields. */
    static void bind(PreparedStatement st, int i) throws SQLException {
        st.setString(1, "bench");
        st.setString(2, PAYLOAD + i);
        st.setString(3, null);
        st.setString(4, null);
        st.setString(5, null);
        st.setString(6, null);
    }

    @Benchmark
    @OperationsPerInvocation(100_000)
    public long copy100000PerTx() {
        return pgq.producer().copy(QUEUE, events100k);
    }

    @Benchmark
    @OperationsPerInvocation(100_000)
    public long baselineCopy100000PerTx() throws Exception {
        jdbc.setAutoCommit(false);
        long n = jdbc.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + BASELINE
                + " (ev_time, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4) FROM STDIN",
                new ByteArrayInputStream(copy100k));
        jdbc.commit();
        return n;
    }

    /** {@code pgq.insert_event} called 1,000 times by one statement: the reference's fastest path. */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public long insertEventSql1000PerTx() throws SQLException {
        jdbc.setAutoCommit(true);
        insertEvent1000.setString(1, PAYLOAD);
        try (ResultSet rs = insertEvent1000.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
