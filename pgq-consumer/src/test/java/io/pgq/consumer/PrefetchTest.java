package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Batches of many small chunks, where the next chunk is fetched while the current one is handled:
 * every event arrives once and in order across chunk boundaries, retries written between chunks
 * take effect, and a failure that ends the batch leaves the connection free for the rollback.
 */
class PrefetchTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static final int EVENTS = 103;
    static final int CHUNK = 7;

    /** The payload: its position in the batch. */
    public record Numbered(long n) {
    }

    @Test
    void eventsOfManyChunksArriveOnceInOrderAndRetriesBetweenChunksAreWritten(TestDatabase db) throws Exception {
        try (Pgq pgq = TestSupport.client(db)) {
            fill(db, pgq, "chunks");
            List<Long> seen = new ArrayList<>();
            List<String> threads = new ArrayList<>();
            try (PgqConsumer consumer = PgqConsumer.builder(pgq, config("chunks")).handler("n", Numbered.class, e -> {
                seen.add(e.payload().n());
                threads.add(Thread.currentThread().getName());
                // one failure in every chunk: its retry is written while the next chunk may be in flight
                return e.payload().n() % CHUNK == 3 && e.retryCount() == 0 ? Outcome.retry(Duration.ZERO) : Outcome.done();
            }).build()) {
                assertThat(consumer.runOnce()).hasValue(EVENTS);
                assertThat(seen).containsExactlyElementsOf(LongStream.range(0, EVENTS).boxed().toList());
                assertThat(threads).containsOnly(Thread.currentThread().getName());
                assertThat(pgq.admin().consumer("chunks", "c").orElseThrow().currentBatch()).isNull();

                seen.clear();
                TestSupport.tick(db.dataSource());
                assertThat(consumer.runOnce()).hasValue(EVENTS / CHUNK + 1);
                assertThat(seen).containsExactlyElementsOf(LongStream.range(0, EVENTS).filter(n -> n % CHUNK == 3)
                        .boxed().toList());
            }
            assertThat(fetchThreads("chunks")).isEmpty();
        }
    }

    @Test
    void aHandlerErrorThatEndsTheBatchMidChunkRollsItBackAndItIsDeliveredAgainWhole(TestDatabase db)
            throws Exception {
        try (Pgq pgq = TestSupport.client(db)) {
            fill(db, pgq, "abort");
            List<Long> seen = new ArrayList<>();
            boolean[] failed = {false};
            try (PgqConsumer consumer = PgqConsumer.builder(pgq, config("abort")).handler("n", Numbered.class, e -> {
                if (e.payload().n() == 5 * CHUNK + 2 && !failed[0]) {
                    failed[0] = true;
                    throw new StackOverflowError("ends the batch, not retried");   // a VirtualMachineError
                }
                seen.add(e.payload().n());
                return Outcome.done();
            }).build()) {
                assertThatThrownBy(consumer::runOnce).isInstanceOf(StackOverflowError.class);
                assertThat(seen).hasSize(5 * CHUNK + 2);
                assertThat(pgq.admin().consumer("abort", "c").orElseThrow().currentBatch()).isNotNull();
                assertThat(scalar(db.dataSource(), "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND state LIKE 'idle in transaction%'")).isZero();

                seen.clear();
                assertThat(consumer.runOnce()).hasValue(EVENTS);
                assertThat(seen).containsExactlyElementsOf(LongStream.range(0, EVENTS).boxed().toList());
                assertThat(pgq.admin().consumer("abort", "c").orElseThrow().currentBatch()).isNull();
            }
            assertThat(fetchThreads("abort")).isEmpty();
        }
    }

    private static ConsumerConfig config(String queue) {
        return ConsumerConfig.builder(queue, "c").fetchSize(CHUNK).listen(false)
                .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ZERO).jitter(0).build()).build();
    }

    /** One batch of EVENTS events numbered 0, 1, ... in id order. */
    private static void fill(TestDatabase db, Pgq pgq, String queue) throws Exception {
        createQueue(pgq, queue);
        pgq.admin().registerConsumer(queue, "c");
        pgq.producer().copy(queue, LongStream.range(0, EVENTS)
                .mapToObj(n -> OutgoingEvent.of("n", new Numbered(n)))::iterator);
        TestSupport.tick(db.dataSource());
    }

    private static List<String> fetchThreads(String queue) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("pgq-consumer-" + queue + "-fetch")).toList();
    }
}
