package io.pgq.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One tick pass ({@code pgq.ticker()}) over 1 and 1,000 queues: {@code tickPassBusy} when every
 * queue has a new event (so every queue ticks), {@code tickPassIdle} when none has; the baseline
 * inserts one row per queue into a plain table shaped like {@code pgq.tick} (the least work a
 * pass that ticks every queue must do).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class TickBenchmark {

    @Param({"1", "1000"})
    public int queues;

    @Param({BenchDatabase.PGQ_JAVA})
    public String impl;

    BenchDatabase db;
    Connection connection;
    Statement statement;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchDatabase.create(impl);
        for (int from = 1; from <= queues; from += 100) {
            db.execute("SELECT count(pgq.create_queue('tick_' || i)) FROM generate_series(" + from + ", "
                    + Math.min(queues, from + 99) + ") i");
        }
        db.execute("SELECT count(pgq.set_queue_config(queue_name, 'ticker_max_lag', '0')) FROM pgq.queue",
                "CREATE TABLE tick_baseline (LIKE pgq.tick INCLUDING DEFAULTS)",
                "CREATE SEQUENCE tick_baseline_seq");
        connection = db.connect();
        statement = connection.createStatement();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        connection.close();
        db.close();
    }

    /** Before each busy pass: one new event in every queue (not measured). */
    @State(Scope.Thread)
    public static class NewEvents {
        @Setup(Level.Invocation)
        public void insert(TickBenchmark b) throws SQLException {
            b.statement.execute("SELECT count(pgq.insert_event(queue_name, 't', 'x')) FROM pgq.queue");
        }
    }

    @Benchmark
    public long tickPassBusy(NewEvents events) throws SQLException {
        return ticker();
    }

    @Benchmark
    public long tickPassIdle() throws SQLException {
        return ticker();
    }

    @Benchmark
    public int baselineTickRowsBusy() throws SQLException {
        return statement.executeUpdate("INSERT INTO tick_baseline (tick_queue, tick_id, tick_event_seq) "
                + "SELECT i, nextval('tick_baseline_seq'), 0 FROM generate_series(1, " + queues + ") i");
    }

    private long ticker() throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT pgq.ticker()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
