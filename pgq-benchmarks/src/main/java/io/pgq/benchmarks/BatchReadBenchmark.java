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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Server-side read of one 200,000-event batch with {@code pgq.get_batch_events}, against a
 * plain SELECT of the same rows from the event table. Both count the rows on the server, so the
 * figure is the server's rate, not the network's: events/s = 200,000 / time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class BatchReadBenchmark {

    static final String QUEUE = "bench_read";
    static final int EVENTS = 200_000;

    @Param({BenchDatabase.PGQ_JAVA})
    public String impl;

    BenchDatabase db;
    Connection connection;
    PreparedStatement getBatchEvents;
    PreparedStatement plainSelect;
    long batchId;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchDatabase.create(impl);
        db.execute("SELECT pgq.create_queue('" + QUEUE + "')",
                "SELECT pgq.register_consumer('" + QUEUE + "', 'reader')",
                "SELECT count(pgq.insert_event('" + QUEUE + "', 'bench', '" + InsertBenchmark.PAYLOAD + "' || i)) "
                        + "FROM generate_series(1, " + EVENTS + ") i");
        db.tick(QUEUE);
        String table = db.scalar("SELECT pgq.current_event_table('" + QUEUE + "')");
        db.execute("ANALYZE " + table);
        batchId = db.scalarLong("SELECT pgq.next_batch('" + QUEUE + "', 'reader')");
        connection = db.connect();
        getBatchEvents = connection.prepareStatement("SELECT count(*) FROM pgq.get_batch_events(?)");
        getBatchEvents.setLong(1, batchId);
        plainSelect = connection.prepareStatement("SELECT count(*) FROM (SELECT ev_id, ev_time, ev_txid, ev_retry, "
                + "ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4 FROM " + table + " ORDER BY ev_id) t");
        long events = count(getBatchEvents);
        if (events != EVENTS) {
            throw new IllegalStateException("batch " + batchId + " has " + events + " events, expected " + EVENTS);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        connection.close();
        db.close();
    }

    @Benchmark
    public long getBatchEvents200k() throws SQLException {
        return count(getBatchEvents);
    }

    @Benchmark
    public long baselineSelect200k() throws SQLException {
        return count(plainSelect);
    }

    private static long count(PreparedStatement st) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
