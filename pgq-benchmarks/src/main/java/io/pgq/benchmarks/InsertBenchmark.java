package io.pgq.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code pgq.insert_event} against a plain INSERT into a baseline table of the same shape, in one
 * run on the same database: one event per transaction with 4 clients, and 100 events per
 * transaction in one statement (one client).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class InsertBenchmark {

    static final String QUEUE = "bench_insert";
    static final String BASELINE = "bench_baseline";

    @Param({BenchDatabase.PGQ_JAVA})
    public String impl;

    BenchDatabase db;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchDatabase.create(impl);
        db.execute("SELECT pgq.create_queue('" + QUEUE + "')");
        db.createBaselineTable(BASELINE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
    }

    /** One connection per benchmark thread, statements prepared once. */
    @State(Scope.Thread)
    public static class Session {
        Connection connection;
        PreparedStatement insertEvent;
        PreparedStatement plainInsert;
        PreparedStatement insertEvents100;
        PreparedStatement plainInsert100;

        @Setup(Level.Trial)
        public void open(InsertBenchmark benchmark) throws SQLException {
            connection = benchmark.db.connect();
            insertEvent = connection.prepareStatement("SELECT pgq.insert_event('" + QUEUE + "', 'bench', ?)");
            plainInsert = connection.prepareStatement(
                    "INSERT INTO " + BASELINE + " (ev_time, ev_type, ev_data) VALUES (now(), 'bench', ?)");
            insertEvents100 = connection.prepareStatement("SELECT pgq.insert_event('" + QUEUE + "', 'bench', ? || i) "
                    + "FROM generate_series(1, 100) i");
            plainInsert100 = connection.prepareStatement("INSERT INTO " + BASELINE + " (ev_time, ev_type, ev_data) "
                    + "SELECT now(), 'bench', ? || i FROM generate_series(1, 100) i");
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            connection.close();
        }
    }

    static final String PAYLOAD = "{\"order\":12345,\"customer\":\"c-42\",\"amount\":\"99.95\"}";

    @Benchmark
    @Threads(4)
    public long insertEvent1PerTx(Session s) throws SQLException {
        s.insertEvent.setString(1, PAYLOAD);
        try (ResultSet rs = s.insertEvent.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Benchmark
    @Threads(4)
    public int baselineInsert1PerTx(Session s) throws SQLException {
        s.plainInsert.setString(1, PAYLOAD);
        return s.plainInsert.executeUpdate();
    }

    @Benchmark
    @Threads(1)
    public int insertEvent100PerTx(Session s) throws SQLException {
        s.insertEvents100.setString(1, PAYLOAD);
        int n = 0;
        try (ResultSet rs = s.insertEvents100.executeQuery()) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    @Benchmark
    @Threads(1)
    public int baselineInsert100PerTx(Session s) throws SQLException {
        s.plainInsert100.setString(1, PAYLOAD);
        return s.plainInsert100.executeUpdate();
    }
}
