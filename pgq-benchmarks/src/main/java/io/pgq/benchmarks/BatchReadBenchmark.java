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
 * Server-side: next batch plus reading all its events with {@code pgq.get_batch_events}, for
 * batches of 10,000 and 200,000 events, against a plain SELECT of the same rows from the event
 * table. Both count the rows on the server, so the figure is the server's rate, not the
 * network's: events/s = events / time per operation. ({@code pgq.next_batch} returns the same
 * open batch each time, as it does while a consumer works on it.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class BatchReadBenchmark {

    static final String QUEUE = "bench_read";
    @Param({"10000", "200000"})
    public int events;

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
                        + "FROM generate_series(1, " + events + ") i");
        db.tick(QUEUE);
        String table = db.scalar("SELECT pgq.current_event_table('" + QUEUE + "')");
        db.execute("ANALYZE " + table);
        batchId = db.scalarLong("SELECT pgq.next_batch('" + QUEUE + "', 'reader')");
        connection = db.connect();
        getBatchEvents = connection.prepareStatement("SELECT count(*) FROM pgq.get_batch_events(pgq.next_batch('"
                + QUEUE + "', 'reader'))");
        plainSelect = connection.prepareStatement("SELECT count(*) FROM (SELECT ev_id, ev_time, ev_txid, ev_retry, "
                + "ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4 FROM " + table + " ORDER BY ev_id) t");
        long found = count(getBatchEvents);
        if (found != events) {
            throw new IllegalStateException("batch " + batchId + " has " + found + " events, expected " + events);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        connection.close();
        db.close();
    }

    @Benchmark
    public long nextBatchAndRead() throws SQLException {
        return count(getBatchEvents);
    }

    @Benchmark
    public long baselineSelectAndRead() throws SQLException {
        return count(plainSelect);
    }

    private static long count(PreparedStatement st) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
