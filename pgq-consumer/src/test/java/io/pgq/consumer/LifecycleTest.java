package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgq.core.ConsumerPosition;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.service.ServiceState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Pause and resume, seek, graceful and forced shutdown, metrics. */
class LifecycleTest extends ClientAndTickerTest {

    private static List<OutgoingEvent> events(int n) {
        return IntStream.range(0, n).mapToObj(i -> OutgoingEvent.of("e", Integer.toString(i))).toList();
    }

    @Test
    void pausedConsumerTakesNoBatchUntilResumed() throws Exception {
        createQueue(pgq, "pause");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("pause", "c").build())
                .otherwise(e -> {
                    seen.add(e.data());
                    return Outcome.done();
                }).build()) {
            consumer.start();
            consumer.pause();
            assertThat(consumer.isPaused()).isTrue();
            pgq.producer().send("pause", "e", "1");
            Thread.sleep(1500);
            assertThat(seen).isEmpty();
            consumer.resume();
            await().atMost(TestSupport.WAIT).until(() -> seen.size() == 1);
        }
    }

    @Test
    void seekMovesTheRunningConsumerToEarliestOrToATick() throws Exception {
        createQueue(pgq, "seek");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("seek", "c")
                .startPosition(ConsumerPosition.earliest()).build()).otherwise(e -> {
                    seen.add(e.data());
                    return Outcome.done();
                }).build()) {
            consumer.start();
            pgq.producer().send("seek", "e", "a");
            await().atMost(TestSupport.WAIT).until(() -> seen.size() == 1);
            await().until(() -> pgq.admin().consumer("seek", "c").orElseThrow().pendingEvents() == 0);
            long tick = pgq.admin().consumer("seek", "c").orElseThrow().lastTick();
            pgq.producer().send("seek", "e", "b");
            await().atMost(TestSupport.WAIT).until(() -> seen.size() == 2);

            consumer.seek(ConsumerPosition.earliest());
            await().atMost(TestSupport.WAIT).until(() -> seen.size() == 4);
            assertThat(seen).containsExactly("a", "b", "a", "b");

            consumer.seek(ConsumerPosition.tick(tick));
            await().atMost(TestSupport.WAIT).until(() -> seen.size() == 5);
            assertThat(seen.get(4)).isEqualTo("b");
        }
    }

    @Test
    void stopFinishesTheBatchInHand() throws Exception {
        createQueue(pgq, "graceful");
        CountDownLatch started = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("graceful", "c").build())
                .otherwise(e -> {
                    started.countDown();
                    Thread.sleep(100);
                    seen.add(e.data());
                    return Outcome.done();
                }).build();
        consumer.start();
        pgq.producer().sendAll("graceful", events(10));   // one transaction: one batch
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(consumer.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(consumer.state()).isEqualTo(ServiceState.STOPPED);
        assertThat(seen).hasSize(10);
        assertThat(pgq.admin().consumer("graceful", "c").orElseThrow().currentBatch()).isNull();
    }

    @Test
    void aHandlerThatBlocksIsAbandonedAtTheShutdownTimeoutAndItsBatchIsDeliveredAgain() throws Exception {
        createQueue(pgq, "blocked");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("blocked", "c").build())
                .otherwise(e -> {
                    started.countDown();
                    while (release.getCount() > 0) {   // ignores interrupts
                        try {
                            release.await();
                        } catch (InterruptedException ignored) {
                            // keep blocking
                        }
                    }
                    return Outcome.done();
                }).build();
        consumer.start();
        pgq.producer().sendAll("blocked", events(3));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        assertThat(consumer.stop(Duration.ofMillis(500))).isFalse();
        // the handler blocks until released, so returning at all shows stop() abandoned it; by design it
        // takes the 0.5 s timeout plus two 2 s grace periods at most (generous bound for a busy machine)
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
        assertThat(consumer.state()).isEqualTo(ServiceState.STOPPED);
        release.countDown();

        List<String> seen = new CopyOnWriteArrayList<>();
        try (PgqConsumer again = PgqConsumer.builder(pgq, ConsumerConfig.builder("blocked", "c").build())
                .otherwise(e -> {
                    seen.add(e.data());
                    return Outcome.done();
                }).build()) {
            again.start();
            await().atMost(TestSupport.WAIT).until(() -> seen.size() == 3);
        }
        assertThat(seen).containsExactly("0", "1", "2");
    }

    @Test
    void metricsUseTheDocumentedNames() throws Exception {
        createQueue(pgq, "metrics");
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("metrics", "c").build())
                .otherwise(e -> Outcome.done()).build()) {
            consumer.start();
            pgq.producer().sendAll("metrics", events(5));
            await().atMost(TestSupport.WAIT)
                    .until(() -> METRICS.meter(ConsumerMetrics.events("metrics", "c")).getCount() == 5);
            assertThat(METRICS.getMeters()).containsKeys(ConsumerMetrics.batches("metrics", "c"),
                    ConsumerMetrics.retries("metrics", "c"), ConsumerMetrics.deadLetters("metrics", "c"),
                    ConsumerMetrics.ignored("metrics", "c"), ConsumerMetrics.errors("metrics", "c"));
            assertThat(METRICS.histogram(ConsumerMetrics.batchSize("metrics", "c")).getSnapshot().getMax()).isEqualTo(5);
            assertThat(METRICS.timer(ConsumerMetrics.handler("metrics", "c")).getCount()).isEqualTo(5);
            assertThat(METRICS.getGauges().get(ConsumerMetrics.lagSeconds("metrics", "c")).getValue())
                    .isInstanceOf(Double.class);
            assertThat(METRICS.getGauges().get(ConsumerMetrics.pendingEvents("metrics", "c")).getValue())
                    .isInstanceOf(Long.class);
            assertThat(ConsumerMetrics.lagSeconds("metrics", "c")).isEqualTo("pgq.consumer.metrics.c.lag.seconds");
        }
        assertThat(METRICS.getGauges()).doesNotContainKey(ConsumerMetrics.lagSeconds("metrics", "c"));
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM pgq.get_consumer_info('metrics', 'c')")).isEqualTo(1);
    }
}
