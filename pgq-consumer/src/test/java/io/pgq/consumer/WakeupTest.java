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

    /** Far longer than any wait of the tests: what the consumer handles in time came by notification. */
    static final Duration NEVER = Duration.ofMinutes(30);

    @Test
    void aTickNotificationWakesTheConsumerLongBeforeItsPollInterval(TestDatabase db) throws Exception {
        Map<String, Long> handledAt = new ConcurrentHashMap<>();
        try (Pgq pgq = TestSupport.client(db); TestSupport.Ticker ticker = new TestSupport.Ticker(db.dataSource(), true);
             PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("wake", "c")
                     .pollInterval(NEVER).build())
                     .otherwise(e -> {
                         handledAt.put(e.data(), System.nanoTime());
                         return Outcome.done();
                     }).build()) {
            createQueue(pgq, "wake");
            consumer.start();
            for (int i = 0; i < 3; i++) {
                Thread.sleep(300);   // the consumer is idle, waiting (up to its poll interval) for a notification
                pgq.producer().send("wake", "e", "event-" + i);
                String key = "event-" + i;
                // the next poll would come after NEVER: handled within the wait means woken by the notification
                await().atMost(TestSupport.WAIT).until(() -> handledAt.containsKey(key));
            }
        }
    }

    @Test
    void withoutNotificationsTheConsumerFindsBatchesByPolling(TestDatabase db) throws Exception {
        Map<String, Long> handled = new ConcurrentHashMap<>();
        String slowSessions = "pgq-wakeup-slow";
        try (Pgq pgq = TestSupport.client(db); TestSupport.Ticker ticker = new TestSupport.Ticker(db.dataSource(), false);
             Pgq slowClient = Pgq.create(PgqConfig.builder().jdbcUrl(db.jdbcUrl()
                             + (db.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=" + slowSessions)
                     .username(db.user()).password(db.password()).maximumPoolSize(2).installSchema(false).build())) {
            createQueue(pgq, "poll");
            try (PgqConsumer slow = PgqConsumer.builder(slowClient, ConsumerConfig.builder("poll", "slow")
                    .pollInterval(NEVER).listen(false).build()).otherwise(e -> {
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
                // the slow consumer has made its first look for a batch and now sleeps for its poll interval
                await().atMost(TestSupport.WAIT).until(() -> TestSupport.scalar(db.dataSource(),
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND state = 'idle'"
                                + " AND query LIKE '%next_batch_custom%'", slowSessions) > 0);
                pgq.producer().send("poll", "e", "x");
                await().atMost(TestSupport.WAIT).until(() -> handled.containsKey("quick"));
                Thread.sleep(1000);
                assertThat(handled).doesNotContainKey("slow");   // no notification, next poll after NEVER
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
                long t0 = System.nanoTime();
                Thread.sleep(5000);
                long queries = counting.statements() - before;
                double seconds = (System.nanoTime() - t0) / 1e9;
                // two consumers (one of them with three member threads): about two polls per second
                // (a slow machine stretches the window; three pollers in the group would give four per second)
                assertThat(queries).as("statements in %.1f s", seconds)
                        .isBetween(2L, Math.round(2 * seconds) + 3);
            }
        }
    }
}
