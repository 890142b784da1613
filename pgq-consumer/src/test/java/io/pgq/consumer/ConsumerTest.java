package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.deadLettersIn;
import static io.pgq.consumer.TestSupport.execute;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgq.core.ConsumerNotRegisteredException;
import io.pgq.core.EventType;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.UnknownQueueException;
import io.pgq.core.service.ServiceState;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Handlers, outcomes, dead letters and lifecycle of a plain consumer, with a ticker thread running. */
class ConsumerTest extends ClientAndTickerTest {

    @EventType("order.created")
    public record OrderCreated(long orderId, String customer, BigDecimal total) {
    }

    private static ConsumerConfig.Builder config(String queue) {
        createQueue(pgq, queue);
        return ConsumerConfig.builder(queue, "c").retryPolicy(RetryPolicy.builder().maxAttempts(3)
                .initialDelay(Duration.ZERO).jitter(0).build());
    }

    @Test
    void typedHandlersGetDecodedPayloadsInIdOrder() {
        List<Event<OrderCreated>> orders = new CopyOnWriteArrayList<>();
        List<String> notes = new CopyOnWriteArrayList<>();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config("typed").build())
                .handler(OrderCreated.class, e -> {
                    orders.add(e);
                    return Outcome.done();
                })
                .handler("note", String.class, e -> {
                    notes.add(e.payload());
                    return Outcome.done();
                })
                .build()) {
            consumer.start();
            assertThat(consumer.state()).isEqualTo(ServiceState.RUNNING);
            String customer = "Z\u00fcrich \u2713 \ud83d\ude00";    // decoded from the UTF-8 bytes
            long first = pgq.producer().send("typed", new OrderCreated(1, customer, new BigDecimal("9.50")));
            pgq.producer().send("typed", OutgoingEvent.builder("note").payload("just text \u00fc").extra1("x").build());
            pgq.producer().send("typed", new OrderCreated(2, "c-2", BigDecimal.ONE));
            await().atMost(TestSupport.WAIT).until(() -> orders.size() == 2 && notes.size() == 1);
            assertThat(orders).extracting(e -> e.payload().orderId()).containsExactly(1L, 2L);
            assertThat(orders.get(0).id()).isEqualTo(first);
            assertThat(orders.get(0).payload().total()).isEqualByComparingTo("9.50");
            assertThat(orders.get(0).payload().customer()).isEqualTo(customer);
            assertThat(orders.get(0).data()).contains("\"customer\":\"" + customer + "\"");
            assertThat(orders.get(0).type()).isEqualTo("order.created");
            assertThat(orders.get(0).retryCount()).isZero();
            assertThat(orders.get(0).attempt()).isEqualTo(1);
            assertThat(orders.get(0).queue()).isEqualTo("typed");
            assertThat(orders.get(0).time()).isBetween(java.time.Instant.now().minusSeconds(60),
                    java.time.Instant.now());
            assertThat(notes).containsExactly("just text \u00fc");
        }
        assertThat(METRICS.meter(ConsumerMetrics.events("typed", "c")).getCount()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void retryOutcomeDeliversTheEventAgainWithItsRetryCount() {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config("retry").build())
                .handler("job", String.class, e -> {
                    attempts.add(e.retryCount());
                    return e.retryCount() == 0 ? Outcome.retry(Duration.ZERO) : Outcome.done();
                })
                .build()) {
            consumer.start();
            pgq.producer().send("retry", "job", "x");
            await().atMost(TestSupport.WAIT).until(() -> attempts.size() == 2);
        }
        assertThat(attempts).containsExactly(0, 1);
        assertThat(METRICS.meter(ConsumerMetrics.retries("retry", "c")).getCount()).isEqualTo(1);
    }

    @Test
    void throwingHandlerIsRetriedUpToMaxAttemptsThenDeadLettered() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config("poison").build())
                .handler("job", String.class, e -> {
                    attempts.add(e.attempt());
                    throw new IllegalStateException("boom");
                })
                .build()) {
            consumer.start();
            long id = pgq.producer().send("poison", "job", "payload-1");
            await().atMost(TestSupport.WAIT).until(() -> deadLettersIn(db.dataSource(), "poison.dlq").size() == 1);
            DeadLetter d = deadLettersIn(db.dataSource(), "poison.dlq").get(0);
            assertThat(d.queue()).isEqualTo("poison");
            assertThat(d.consumer()).isEqualTo("c");
            assertThat(d.eventId()).isEqualTo(id);
            assertThat(d.type()).isEqualTo("job");
            assertThat(d.data()).isEqualTo("payload-1");
            assertThat(d.retryCount()).isEqualTo(2);
            assertThat(d.reason()).isEqualTo("failed 3 of 3 attempts, last with java.lang.IllegalStateException: boom");
        }
        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(METRICS.meter(ConsumerMetrics.deadLetters("poison", "c")).getCount()).isEqualTo(1);
    }

    @Test
    void deadLetterOutcomesNonRetriableFailuresAndNullResults() throws Exception {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(5).initialDelay(Duration.ZERO)
                .deadLetterOn(IllegalArgumentException.class).build();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config("outcomes").retryPolicy(policy).build())
                .otherwise(e -> {
                    calls.computeIfAbsent(e.type(), t -> new AtomicInteger()).incrementAndGet();
                    return switch (e.type()) {
                        case "reject" -> Outcome.deadLetter("customer is blocked");
                        case "invalid" -> throw new RuntimeException("wrapped", new IllegalArgumentException("bad id"));
                        case "null" -> null;
                        default -> Outcome.done();
                    };
                })
                .build()) {
            consumer.start();
            pgq.producer().send("outcomes", "reject", "1");
            pgq.producer().send("outcomes", "invalid", "2");
            pgq.producer().send("outcomes", "null", "3");
            await().atMost(TestSupport.WAIT).until(() -> deadLettersIn(db.dataSource(), "outcomes.dlq").size() == 3
                    && calls.get("null").get() == 5);
        }
        List<DeadLetter> dead = deadLettersIn(db.dataSource(), "outcomes.dlq");
        assertThat(dead).extracting(DeadLetter::type, DeadLetter::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("reject", "customer is blocked"),
                org.assertj.core.groups.Tuple.tuple("invalid", "not retriable: java.lang.RuntimeException: wrapped"),
                org.assertj.core.groups.Tuple.tuple("null", "failed 5 of 5 attempts, last with "
                        + "java.lang.IllegalStateException: the handler returned null instead of an Outcome"));
        assertThat(calls.get("reject").get()).isEqualTo(1);
        assertThat(calls.get("invalid").get()).isEqualTo(1);
    }

    @Test
    void malformedPayloadsAndUnknownTypesOfAStrictConsumerAreDeadLettersUnknownTypesOfALenientOneAreSkipped()
            throws Exception {
        createQueue(pgq, "strict");
        List<Long> handled = new CopyOnWriteArrayList<>();
        ConsumerConfig strict = config("strict").strictTypes(true).build();
        ConsumerConfig lenient = ConsumerConfig.builder("strict", "lenient").build();
        try (PgqConsumer s = PgqConsumer.builder(pgq, strict).handler(OrderCreated.class, e -> {
            handled.add(e.id());
            return Outcome.done();
        }).build(); PgqConsumer l = PgqConsumer.builder(pgq, lenient).handler(OrderCreated.class, e -> Outcome.done())
                .build()) {
            s.start();
            l.start();
            long bad = pgq.producer().send("strict", "order.created", "{not json");
            long unknown = pgq.producer().send("strict", "order.cancelled", "{}");
            long good = pgq.producer().send("strict", new OrderCreated(3, "c", BigDecimal.TEN));
            await().atMost(TestSupport.WAIT).until(() -> deadLettersIn(db.dataSource(), "strict.dlq").size() == 3
                    && !handled.isEmpty()
                    && METRICS.meter(ConsumerMetrics.ignored("strict", "lenient")).getCount() == 1);
            assertThat(handled).containsExactly(good);
            List<DeadLetter> dead = deadLettersIn(db.dataSource(), "strict.dlq").stream()
                    .filter(d -> d.consumer().equals("c")).toList();
            assertThat(deadLettersIn(db.dataSource(), "strict.dlq")).filteredOn(d -> d.consumer().equals("lenient"))
                    .extracting(DeadLetter::eventId).containsExactly(bad);   // malformed whether strict or not
            assertThat(dead).extracting(DeadLetter::eventId).containsExactly(bad, unknown);
            assertThat(dead.get(0).data()).isEqualTo("{not json");
            assertThat(dead.get(0).reason()).startsWith("malformed payload: cannot decode it as "
                    + OrderCreated.class.getName());
            assertThat(dead.get(1).reason()).isEqualTo("no handler for event type 'order.cancelled' (strict types)");
        }
    }

    @Test
    void jsonWithTrailingGarbageIsMalformed() throws Exception {
        List<Long> handled = new CopyOnWriteArrayList<>();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config("trailing").build()).handler(OrderCreated.class, e -> {
            handled.add(e.id());
            return Outcome.done();
        }).build()) {
            consumer.start();
            long garbage = pgq.producer().send("trailing", "order.created", "{\"orderId\":1} xyz");
            long twoValues = pgq.producer().send("trailing", "order.created", "{\"orderId\":2} {}");
            long good = pgq.producer().send("trailing", "order.created", "{\"orderId\":3}  \n");
            await().atMost(Duration.ofSeconds(10)).until(() -> deadLettersIn(db.dataSource(), "trailing.dlq").size() == 2
                    && !handled.isEmpty());
            assertThat(handled).containsExactly(good);
            List<DeadLetter> dead = deadLettersIn(db.dataSource(), "trailing.dlq");
            assertThat(dead).extracting(DeadLetter::eventId).containsExactly(garbage, twoValues);
            assertThat(dead.get(0).reason()).startsWith("malformed payload: cannot decode it as "
                    + OrderCreated.class.getName()).contains("Unrecognized token 'xyz'");
            assertThat(dead.get(1).reason()).contains("Trailing token");
        }
    }

    @Test
    void deadLettersAreResentToTheirQueue() throws Exception {
        AtomicInteger failUntil = new AtomicInteger(1);
        List<String> done = new CopyOnWriteArrayList<>();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config("resend").retryPolicy(RetryPolicy.none()).build())
                .otherwise(e -> {
                    if (failUntil.get() == 1) {
                        throw new IllegalStateException("downstream is down");
                    }
                    done.add(e.type() + ":" + e.data() + ":" + e.extra1() + ":" + e.retryCount());
                    return Outcome.done();
                })
                .build()) {
            consumer.start();
            pgq.producer().send("resend", OutgoingEvent.builder("a").payload("1").extra1("x").build());
            pgq.producer().send("resend", "b", "2");
            await().atMost(TestSupport.WAIT).until(() -> deadLettersIn(db.dataSource(), "resend.dlq").size() == 2);
            failUntil.set(0);
            DeadLetters deadLetters = new DeadLetters(pgq);
            await().atMost(TestSupport.WAIT).until(() -> deadLetters.resend("resend.dlq",
                    d -> d.type().equals("a")).resent() == 1);
            await().atMost(TestSupport.WAIT).until(() -> done.size() == 1);
            assertThat(done).containsExactly("a:1:x:0");
            await().atMost(TestSupport.WAIT).until(() -> deadLetters.resend("resend.dlq").resent() == 1);
            await().atMost(TestSupport.WAIT).until(() -> done.size() == 2);
            assertThat(done).containsExactly("a:1:x:0", "b:2:null:0");
        }
    }

    @Test
    void unknownQueueAndUnregisteredConsumerFailStartClearly() {
        PgqConsumer unknown = PgqConsumer.builder(pgq, ConsumerConfig.builder("no_such_queue", "c").build())
                .otherwise(e -> Outcome.done()).build();
        assertThatThrownBy(unknown::start).isInstanceOf(UnknownQueueException.class)
                .hasMessageContaining("No such queue").hasMessageContaining("queue: no_such_queue");
        assertThat(unknown.state()).isEqualTo(ServiceState.STOPPED);

        createQueue(pgq, "unregistered");
        PgqConsumer strict = PgqConsumer.builder(pgq, ConsumerConfig.builder("unregistered", "c")
                .registerIfMissing(false).build()).otherwise(e -> Outcome.done()).build();
        assertThatThrownBy(strict::start).isInstanceOf(ConsumerNotRegisteredException.class)
                .hasMessageContaining("queue: unregistered, consumer: c");
    }

    @Test
    void consumerRegisteredOnStartSeesOnlyEventsAfterItsStart() throws Exception {
        createQueue(pgq, "autoreg");
        pgq.producer().send("autoreg", "before", "x");
        // the newest tick must see the event's transaction: a tick taken while it was committing
        // counts the event (ev_new 0) but leaves it to the next batch
        await().until(() -> {
            execute(db.dataSource(), "SELECT pgq.force_tick('autoreg')");
            TestSupport.tick(db.dataSource());
            return scalar(db.dataSource(), "SELECT count(*) FROM pgq.tick t, pgq.event_template e "
                    + "WHERE t.tick_queue = (SELECT queue_id FROM pgq.queue WHERE queue_name = 'autoreg') "
                    + "AND t.tick_id = (SELECT max(tick_id) FROM pgq.tick WHERE tick_queue = t.tick_queue) "
                    + "AND e.ev_type = 'before' AND txid_visible_in_snapshot(e.ev_txid, t.tick_snapshot)") == 1;
        });
        List<String> seen = new CopyOnWriteArrayList<>();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("autoreg", "c").build())
                .otherwise(e -> {
                    seen.add(e.type());
                    return Outcome.done();
                }).build()) {
            consumer.start();
            pgq.producer().send("autoreg", "after", "y");
            await().atMost(TestSupport.WAIT).until(() -> seen.contains("after"));
        }
        assertThat(seen).containsExactly("after");
        assertThat(pgq.admin().consumer("autoreg", "c")).isPresent();
    }
}
