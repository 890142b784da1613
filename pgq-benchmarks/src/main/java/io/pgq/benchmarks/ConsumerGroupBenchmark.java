package io.pgq.benchmarks;

import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.PgqConsumer;
import io.pgq.core.ConsumerPosition;
import io.pgq.core.Pgq;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A consumer group with I/O-bound handlers (1 ms sleep per event): four members against one, on
 * the same 4,000 events in 80 batches of 50, in time per 4,000 events. The group runs for the
 * whole trial, like a real one; each operation seeks it back to the first tick
 * ({@link PgqConsumer#seek}) and waits until every event was handled again.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class ConsumerGroupBenchmark {

    static final String QUEUE = "bench_group";
    static final int BATCHES = 80;
    static final int PER_BATCH = 50;
    static final int EVENTS = BATCHES * PER_BATCH;

    /** A database with the 80 batches and a running group of {@code members}. */
    abstract static class Group {
        BenchDatabase db;
        Pgq pgq;
        PgqConsumer consumer;
        long startTick;
        final AtomicInteger handled = new AtomicInteger();

        void start(int members) throws SQLException, InterruptedException {
            db = BenchDatabase.create(BenchDatabase.PGQ_JAVA);
            db.execute("SELECT pgq.create_queue('" + QUEUE + "')", "SELECT pgq.register_consumer('" + QUEUE + "', 'g')");
            startTick = db.scalarLong("SELECT last_tick_id FROM pgq.get_queue_info('" + QUEUE + "')");
            for (int b = 0; b < BATCHES; b++) {
                db.execute("SELECT count(pgq.insert_event('" + QUEUE + "', 'work', i::text)) FROM generate_series(1, "
                        + PER_BATCH + ") i");
                db.tick(QUEUE);
            }
            pgq = db.client(members + 4);
            consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder(QUEUE, "g").groupMembers(members)
                    .memberId("bench").startPosition(ConsumerPosition.tick(startTick)).build()).otherwise(e -> {
                        Thread.sleep(1);
                        handled.incrementAndGet();
                        return Outcome.done();
                    }).build();
            consumer.start();
            awaitAll();
        }

        int consumeAll() throws InterruptedException {
            handled.set(0);
            consumer.seek(ConsumerPosition.tick(startTick));
            awaitAll();
            return handled.get();
        }

        private void awaitAll() throws InterruptedException {
            while (handled.get() < EVENTS) {
                Thread.sleep(1);
            }
        }

        void stop() {
            consumer.stop(Duration.ofSeconds(30));
            pgq.close();
            db.close();
        }
    }

    /** One member. */
    @State(Scope.Benchmark)
    public static class OneMember extends Group {
        @Setup(Level.Trial)
        public void setUp() throws SQLException, InterruptedException {
            start(1);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stop();
        }
    }

    /** Four members. */
    @State(Scope.Benchmark)
    public static class FourMembers extends Group {
        @Setup(Level.Trial)
        public void setUp() throws SQLException, InterruptedException {
            start(4);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stop();
        }
    }

    @Benchmark
    public int fourMembers4000(FourMembers group) throws InterruptedException {
        return group.consumeAll();
    }

    @Benchmark
    public int baselineOneMember4000(OneMember group) throws InterruptedException {
        return group.consumeAll();
    }
}
