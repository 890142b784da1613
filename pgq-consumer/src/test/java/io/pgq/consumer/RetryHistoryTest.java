package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.deadLettersIn;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Retried failures are logged, and a dead letter shows the error of every attempt. */
class RetryHistoryTest extends ClientAndTickerTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.pgq.consumer.internal.AttemptLog");

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    private static long keptErrors() throws Exception {
        return scalar(db.dataSource(), "SELECT count(*) FROM pgq.event_failure");
    }

    @Test
    void aDeadLetterCarriesTheErrorOfEveryAttemptAndHandledEventsLeaveNothingBehind() throws Exception {
        createQueue(pgq, "hist");
        Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
        List<Long> done = new CopyOnWriteArrayList<>();
        ConsumerConfig config = ConsumerConfig.builder("hist", "c").retryPolicy(RetryPolicy.builder().maxAttempts(3)
                .initialDelay(Duration.ZERO).jitter(0).build()).build();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config).otherwise(e -> {
            int call = calls.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
            if (e.type().equals("fail") || call == 1) {
                throw new IllegalStateException("downstream down #" + call);
            }
            done.add(e.id());
            return Outcome.done();
        }).build()) {
            consumer.start();
            long failing = pgq.producer().send("hist", "fail", "x");
            long flaky = pgq.producer().send("hist", "flaky", "y");
            await().atMost(Duration.ofSeconds(30)).until(() -> deadLettersIn(db.dataSource(), "hist.dlq").size() == 1
                    && done.size() == 1);
            assertThat(done).containsExactly(flaky);

            DeadLetter dead = deadLettersIn(db.dataSource(), "hist.dlq").get(0);
            assertThat(dead.eventId()).isEqualTo(failing);
            assertThat(dead.reason()).isEqualTo("failed 3 of 3 attempts, last with java.lang.IllegalStateException: "
                    + "downstream down #3");
            assertThat(dead.history()).extracting(DeadLetter.Attempt::attempt).containsExactly(1, 2);
            assertThat(dead.history()).extracting(DeadLetter.Attempt::error).containsExactly(
                    "java.lang.IllegalStateException: downstream down #1",
                    "java.lang.IllegalStateException: downstream down #2");
            assertThat(dead.history().get(0).failedAt()).isBeforeOrEqualTo(dead.history().get(1).failedAt());
            assertThat(keptErrors()).as("kept errors after the dead letter and the handled retry").isZero();

            List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(warnings).as("one WARN per event's first failure").containsExactlyInAnyOrder(
                    "Event " + failing + " (type fail) failed attempt 1 of 3 with java.lang.IllegalStateException: "
                            + "downstream down #1; retry in PT0S (queue: hist, consumer: c)",
                    "Event " + flaky + " (type flaky) failed attempt 1 of 3 with java.lang.IllegalStateException: "
                            + "downstream down #1; retry in PT0S (queue: hist, consumer: c)");
        }
    }

    @Test
    void unregisteringTheConsumerDropsItsKeptErrors() throws Exception {
        createQueue(pgq, "hist_unreg");
        ConsumerConfig config = ConsumerConfig.builder("hist_unreg", "c").retryPolicy(RetryPolicy.builder()
                .maxAttempts(5).initialDelay(Duration.ofMinutes(10)).jitter(0).build()).build();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config).otherwise(e -> {
            throw new IllegalStateException("not now");
        }).build()) {
            consumer.start();
            pgq.producer().send("hist_unreg", "t", "x");
            await().atMost(Duration.ofSeconds(30)).until(() -> keptErrors() == 1);
        }
        pgq.admin().unregisterConsumer("hist_unreg", "c");
        assertThat(keptErrors()).isZero();
    }
}
