package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.deadLettersIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgq.core.OutgoingEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Batch handlers: streaming, marks, failures, events the handler did not read. */
class BatchHandlerTest extends ClientAndTickerTest {

    private static List<OutgoingEvent> events(int n) {
        return IntStream.range(0, n).mapToObj(i -> OutgoingEvent.of("e", "{\"n\":" + i + "}")).toList();
    }

    record N(int n) {
    }

    @Test
    void streamsTheBatchInChunksAndAppliesMarks() throws Exception {
        createQueue(pgq, "marks");
        List<String> seen = new CopyOnWriteArrayList<>();
        ConsumerConfig config = ConsumerConfig.builder("marks", "c").fetchSize(7)
                .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ZERO).build()).build();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config).batchHandler(batch -> {
            for (Event<String> e : batch.events()) {
                int n = batch.decode(e, N.class).n();
                seen.add(n + "/" + e.retryCount());
                if (n == 3 && e.retryCount() == 0) {
                    batch.retry(e, Duration.ZERO);
                } else if (n == 5) {
                    batch.deadLetter(e, "five is bad");
                }
            }
        }).build()) {
            consumer.start();
            pgq.producer().sendAll("marks", events(20));
            await().atMost(TestSupport.WAIT).until(() -> seen.size() == 21);
        }
        assertThat(seen.subList(0, 20)).containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> i + "/0").toList());
        assertThat(seen.get(20)).isEqualTo("3/1");
        assertThat(deadLettersIn(db.dataSource(), "marks.dlq")).extracting(DeadLetter::reason).containsExactly("five is bad");
    }

    @Test
    void aFailingBatchHandlerIsRolledBackAndEveryEventGetsThePolicysOutcome() throws Exception {
        createQueue(pgq, "failing");
        AtomicInteger calls = new AtomicInteger();
        List<Integer> retryCounts = new CopyOnWriteArrayList<>();
        ConsumerConfig config = ConsumerConfig.builder("failing", "c").fetchSize(4)
                .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ZERO).build()).build();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config).batchHandler(batch -> {
            boolean firstDelivery = false;
            for (Event<String> e : batch.events()) {
                if (e.retryCount() == 0) {
                    firstDelivery = true;
                    batch.deadLetter(e, "rolled back with the failure");   // undone by the failure below
                } else {
                    retryCounts.add(e.retryCount());
                }
            }
            if (firstDelivery) {
                calls.incrementAndGet();
                throw new IllegalStateException("database of the handler is down");
            }
        }).build()) {
            consumer.start();
            pgq.producer().sendAll("failing", events(10));
            await().atMost(TestSupport.WAIT).until(() -> retryCounts.size() == 10);
        }
        assertThat(retryCounts).containsOnly(1);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(deadLettersIn(db.dataSource(), "failing.dlq")).isEmpty();
        assertThat(METRICS.meter(ConsumerMetrics.retries("failing", "c")).getCount()).isEqualTo(10);
    }

    @Test
    void eventsTheHandlerDidNotReadAreDone() {
        createQueue(pgq, "partial");
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("partial", "c").fetchSize(100).build())
                .batchHandler(batch -> {
                    int n = 0;
                    for (Event<String> e : batch.events()) {
                        if (++n == 150) {
                            break;
                        }
                    }
                }).build()) {
            consumer.start();
            pgq.producer().sendAll("partial", events(1000));
            await().atMost(TestSupport.WAIT)
                    .until(() -> METRICS.meter(ConsumerMetrics.events("partial", "c")).getCount() == 1000);
        }
    }
}
