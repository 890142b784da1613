package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.deadLettersIn;
import static io.pgq.consumer.TestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.core.Pgq;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The retry schedule, step by step with {@link PgqConsumer#runOnce()} and a fixed clock: every
 * retry is written with {@code ev_retry_after} = clock + the policy's backoff, the attempt count
 * comes from {@code ev_retry} (a new consumer object continues where the last one stopped), and
 * the last attempt goes to the dead-letter queue.
 */
class RetryScheduleTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @Test
    void retriesFollowTheBackoffOfThePolicyAndSurviveRestarts(TestDatabase db) throws Exception {
        // an hour ago, so that every retry is due at once for maint_retry_events
        Instant now = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(4).initialDelay(Duration.ofSeconds(10)).multiplier(3)
                .maxDelay(Duration.ofSeconds(60)).jitter(0).build();
        List<Integer> attempts = new ArrayList<>();
        List<OffsetDateTime> retryAfter = new ArrayList<>();
        try (Pgq pgq = TestSupport.client(db)) {
            createQueue(pgq, "sched");
            ConsumerConfig config = ConsumerConfig.builder("sched", "c").retryPolicy(policy).build();
            pgq.admin().registerConsumer("sched", "c");
            long id = pgq.producer().send("sched", "job", "x");
            for (int delivery = 1; delivery <= 4; delivery++) {
                // a new consumer object each time: the attempt number comes from the database
                PgqConsumer consumer = PgqConsumer.builder(pgq, config).clock(clock).otherwise(e -> {
                    attempts.add(e.attempt());
                    throw new java.io.IOException("timeout");
                }).build();
                runUntilHandled(db, consumer, attempts, delivery);
                if (delivery < 4) {
                    retryAfter.add(OffsetDateTime.parse(strings(db.dataSource(),
                            "SELECT to_char(ev_retry_after AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
                                    + "FROM pgq.retry_queue WHERE ev_id = ?", id).get(0)));
                }
            }
            assertThat(attempts).containsExactly(1, 2, 3, 4);
            assertThat(retryAfter).extracting(OffsetDateTime::toInstant).containsExactly(
                    now.plusSeconds(10), now.plusSeconds(30), now.plusSeconds(60));   // 90 s capped at maxDelay
            List<DeadLetter> dead = deadLettersIn(db.dataSource(), "sched.dlq");
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).retryCount()).isEqualTo(3);
            assertThat(dead.get(0).failedAt()).isEqualTo(now);
            assertThat(dead.get(0).reason()).isEqualTo("failed 4 of 4 attempts, last with java.io.IOException: timeout");
        }
    }

    /** Ticks (moving due retries back) and runs batches until the handler has run {@code count} times. */
    private static void runUntilHandled(TestDatabase db, PgqConsumer consumer, List<Integer> attempts, int count)
            throws SQLException {
        for (int i = 0; i < 50 && attempts.size() < count; i++) {
            TestSupport.tick(db.dataSource());
            OptionalInt events;
            do {
                events = consumer.runOnce();
            } while (events.isPresent() && attempts.size() < count);
        }
        assertThat(attempts).hasSize(count);
    }
}
