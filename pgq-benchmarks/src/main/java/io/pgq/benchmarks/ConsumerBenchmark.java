package io.pgq.benchmarks;

import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.PgqConsumer;
import io.pgq.core.Pgq;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
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

/**
 * One consumer with a no-op typed handler (small JSON payload decoded with Jackson) against a raw
 * JDBC loop, on the same 10,000-event batch, in events per second. Each operation moves its
 * consumer back to the batch's start tick ({@code pgq.register_consumer_at}), then takes the
 * batch, reads every event and finishes it:
 * {@code consumeTyped10k} through {@link PgqConsumer#runOnce()} (cursor + FETCH in chunks of
 * 2,000, decode, dispatch, metrics, finish, commit); {@code baselineRawJdbc10k} with
 * {@code pgq.next_batch}, {@code SELECT * FROM pgq.get_batch_events(...)} reading every column,
 * and {@code pgq.finish_batch}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class ConsumerBenchmark {

    static final String QUEUE = "bench_consume";
    static final int EVENTS = 10_000;

    /** The payload: a small JSON object. */
    public record Item(long id, String name, int quantity) {
    }

    @Param({BenchDatabase.PGQ_JAVA})
    public String impl;

    BenchDatabase db;
    Pgq pgq;
    PgqConsumer consumer;
    Connection jdbc;
    PreparedStatement reposition;
    PreparedStatement nextBatch;
    PreparedStatement batchEvents;
    PreparedStatement finishBatch;
    long startTick;
    long sink;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        db = BenchDatabase.create(impl);
        db.execute("SELECT pgq.create_queue('" + QUEUE + "')",
                "SELECT pgq.register_consumer('" + QUEUE + "', 'typed')",
                "SELECT pgq.register_consumer('" + QUEUE + "', 'raw')");
        startTick = db.scalarLong("SELECT last_tick_id FROM pgq.get_queue_info('" + QUEUE + "')");
        db.execute("SELECT count(pgq.insert_event('" + QUEUE + "', 'item', "
                + "'{\"id\":' || i || ',\"name\":\"item-' || i || '\",\"quantity\":3}')) FROM generate_series(1, " + EVENTS + ") i");
        db.tick(QUEUE);
        db.execute("ANALYZE " + db.scalar("SELECT pgq.current_event_table('" + QUEUE + "')"));
        pgq = db.client(4);
        consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder(QUEUE, "typed").build())
                .handler("item", Item.class, e -> {
                    sink += e.payload().quantity();
                    return Outcome.done();
                }).build();
        jdbc = db.connect();
        reposition = jdbc.prepareStatement("SELECT pgq.register_consumer_at('" + QUEUE + "', ?, " + startTick + ")");
        nextBatch = jdbc.prepareStatement("SELECT pgq.next_batch('" + QUEUE + "', 'raw')");
        batchEvents = jdbc.prepareStatement("SELECT ev_id, ev_time, ev_txid, ev_retry, ev_type, ev_data, ev_extra1, "
                + "ev_extra2, ev_extra3, ev_extra4 FROM pgq.get_batch_events(?)");
        finishBatch = jdbc.prepareStatement("SELECT pgq.finish_batch(?)");
        if (consumeTyped10k() != EVENTS || baselineRawJdbc10k() != EVENTS) {
            throw new IllegalStateException("the batch does not have " + EVENTS + " events");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        jdbc.close();
        pgq.close();
        db.close();
    }

    private void moveBack(String consumerName) throws SQLException {
        reposition.setString(1, consumerName);
        reposition.executeQuery().close();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int consumeTyped10k() throws SQLException {
        moveBack("typed");
        return consumer.runOnce().orElseThrow();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int baselineRawJdbc10k() throws SQLException {
        moveBack("raw");
        long batch;
        try (ResultSet rs = nextBatch.executeQuery()) {
            rs.next();
            batch = rs.getLong(1);
        }
        int n = 0;
        batchEvents.setLong(1, batch);
        try (ResultSet rs = batchEvents.executeQuery()) {
            while (rs.next()) {
                sink += rs.getLong(1) + rs.getObject(2, OffsetDateTime.class).getNano() + rs.getLong(3) + rs.getInt(4)
                        + rs.getString(5).length() + rs.getString(6).length();
                sink += rs.getString(7) == null && rs.getString(8) == null && rs.getString(9) == null
                        && rs.getString(10) == null ? 1 : 0;
                n++;
            }
        }
        finishBatch.setLong(1, batch);
        finishBatch.executeQuery().close();
        return n;
    }
}
