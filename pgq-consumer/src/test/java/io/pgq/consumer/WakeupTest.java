package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LISTEN/NOTIFY wake-up, the polling fallback, and how little an idle consumer asks. */
class WakeupTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @Test
    void aTickNotificationWakesTheConsumerLongBeforeItsPollInterval(TestDatabase db) throws Exception {
        Map<String, Long> handledAt = new ConcurrentHashMap<>();
        try (Pgq pgq = TestSupport.client(db); TestSupport.Ticker ticker = new TestSupport.Ticker(db.dataSource(), true);
             PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("wake", "c")
                     .pollInterval(Duration.ofSeconds(30)).build())
                     .otherwise(e -> {
                         handledAt.put(e.data(), System.nanoTime());
                         return Outcome.done();
                     }).build()) {
            createQueue(pgq, "wake");
            consumer.start();
            for (int i = 0; i < 3; i++) {
                Thread.sleep(300);   // the consumer is idle, waiting (up to 30 s) for a notification
                long sent = System.nanoTime();
                pgq.producer().send("wake", "e", "event-" + i);
                String key = "event-" + i;
                await().atMost(Duration.ofSeconds(5)).until(() -> handledAt.containsKey(key));
                assertThat(Duration.ofNanos(handledAt.get(key) - sent)).isLessThan(Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void withoutNotificationsTheConsumerFindsBatchesByPolling(TestDatabase db) throws Exception {
        Map<String, Long> handled = new ConcurrentHashMap<>();
        try (Pgq pgq = TestSupport.client(db); TestSupport.Ticker ticker = new TestSupport.Ticker(db.dataSource(), false)) {
            createQueue(pgq, "poll");
            try (PgqConsumer slow = PgqConsumer.builder(pgq, ConsumerConfig.builder("poll", "slow")
                    .pollInterval(Duration.ofSeconds(30)).listen(false).build()).otherwise(e -> {
                        handled.put("slow", 1L);
                        return Outcome.done();
                    }).build();
                 PgqConsumer quick = PgqConsumer.builder(pgq, ConsumerConfig.builder("poll", "quick")
                         .pollInterval(Duration.ofMillis(200)).listen(false).build()).otherwise(e -> {
                             handled.put("quick", 1L);
                             return Outcome.done();
                         }).build()) {
                slow.start();
                quick.start();
                Thread.sleep(1000);   // both made their first look for a batch
                pgq.producer().send("poll", "e", "x");
                await().atMost(Duration.ofSeconds(5)).until(() -> handled.containsKey("quick"));
                Thread.sleep(1000);
                assertThat(handled).doesNotContainKey("slow");   // no notification, next poll in 30 s
            }
        }
    }

    @Test
    void anIdleConsumerMakesAboutOneQueryPerSecondWhateverItsMemberCount(TestDatabase db) throws Exception {
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(counting).installSchema(false).build())) {
            createQueue(pgq, "idle");
            try (PgqConsumer plain = PgqConsumer.builder(pgq, ConsumerConfig.builder("idle", "plain").build())
                    .otherwise(e -> Outcome.done()).build();
                 PgqConsumer group = PgqConsumer.builder(pgq, ConsumerConfig.builder("idle", "group").groupMembers(3)
                         .build()).otherwise(e -> Outcome.done()).build()) {
                plain.start();
                group.start();
                Thread.sleep(1000);   // start-up; no ticker runs, so nothing arrives
                long before = counting.statements();
                Thread.sleep(5000);
                long queries = counting.statements() - before;
                // two consumers (one of them with three member threads), 5 s: about 10 polls
                assertThat(queries).isBetween(8L, 13L);
            }
        }
    }
}
