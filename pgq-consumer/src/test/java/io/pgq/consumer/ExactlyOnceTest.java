package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.deadLettersIn;
import static io.pgq.consumer.TestSupport.execute;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Exactly-once mode: the handler's writes and finish_batch in one transaction; savepoints per handler call. */
class ExactlyOnceTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static Pgq pgq;
    static TestSupport.Ticker ticker;
    static TestDatabase db;

    @BeforeAll
    static void setUp(TestDatabase database) throws Exception {
        db = database;
        pgq = TestSupport.client(db);
        ticker = new TestSupport.Ticker(db.dataSource(), true);
        execute(db.dataSource(), "CREATE TABLE effects (queue text, ev_id bigint, attempt int)");
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        ticker.close();
        pgq.close();
    }

    private static List<OutgoingEvent> events(int n) {
        return IntStream.range(0, n).mapToObj(i -> OutgoingEvent.of("e", Integer.toString(i))).toList();
    }

    private static void effect(Connection c, Event<?> e) throws Exception {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO effects VALUES (?, ?, ?)")) {
            st.setString(1, e.queue());
            st.setLong(2, e.id());
            st.setInt(3, e.attempt());
            st.executeUpdate();
        }
    }

    @Test
    void writesOfAFailedHandlerCallAreUndoneAndTheOthersCommitWithTheBatch() throws Exception {
        createQueue(pgq, "eo");
        ConsumerConfig config = ConsumerConfig.builder("eo", "c").deliveryMode(DeliveryMode.EXACTLY_ONCE)
                .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ZERO).build()).build();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config).otherwise(e -> {
            effect(e.connection(), e);
            if (e.data().equals("3") && e.attempt() == 1) {
                throw new IllegalStateException("fails after writing");
            }
            if (e.data().equals("5") && e.attempt() == 1) {
                return Outcome.retry(Duration.ZERO);   // not done: its write is undone too
            }
            if (e.data().equals("7")) {
                e.connection().createStatement().execute("SELECT 1/0");   // an SQL error, rolled back to the savepoint
            }
            return Outcome.done();
        }).build()) {
            consumer.start();
            pgq.producer().sendAll("eo", events(10));
            // 7 fails every time (its SQL error is rolled back to the savepoint): retried, then a dead letter
            await().atMost(TestSupport.WAIT).until(() -> deadLettersIn(db.dataSource(), "eo.dlq").size() == 1
                    && scalar(db.dataSource(), "SELECT count(*) FROM effects WHERE queue = 'eo'") == 9);
            Thread.sleep(300);
        }
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT ev_id) FROM effects WHERE queue = 'eo'")).isEqualTo(9);
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM effects WHERE queue = 'eo' AND attempt > 1"))
                .isEqualTo(2);   // 3 and 5, on their second attempt
        assertThat(deadLettersIn(db.dataSource(), "eo.dlq").get(0).data()).isEqualTo("7");
        assertThat(deadLettersIn(db.dataSource(), "eo.dlq").get(0).reason()).contains("division by zero");
    }

    @Test
    void theConsumerOwnsTheTransaction() throws Exception {
        createQueue(pgq, "guard");
        List<String> failures = new CopyOnWriteArrayList<>();
        ConsumerConfig config = ConsumerConfig.builder("guard", "c").deliveryMode(DeliveryMode.EXACTLY_ONCE)
                .retryPolicy(RetryPolicy.none()).build();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config).otherwise(e -> {
            try (Connection c = e.connection()) {   // close does nothing
                c.commit();
            } catch (java.sql.SQLException ex) {
                failures.add(ex.getMessage());
            }
            effect(e.connection(), e);
            return Outcome.done();
        }).build()) {
            consumer.start();
            pgq.producer().send("guard", "e", "x");
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(),
                    "SELECT count(*) FROM effects WHERE queue = 'guard'") == 1);
        }
        assertThat(failures).containsExactly("the batch's transaction is managed by the pgq consumer: commit is not "
                + "allowed; return an Outcome or throw instead");
    }

    @Test
    void theConnectionIsNotAvailableInAtLeastOnceMode() throws Exception {
        createQueue(pgq, "alo");
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("alo", "c")
                .retryPolicy(RetryPolicy.none()).build()).otherwise(e -> {
                    e.connection();
                    return Outcome.done();
                }).build()) {
            consumer.start();
            pgq.producer().send("alo", "e", "x");
            await().atMost(TestSupport.WAIT).until(() -> deadLettersIn(db.dataSource(), "alo.dlq").size() == 1);
        }
        assertThat(deadLettersIn(db.dataSource(), "alo.dlq").get(0).reason())
                .contains("only available in DeliveryMode.EXACTLY_ONCE");
    }

    @Test
    void aBatchHandlerWritesWithTheBatchOrNotAtAll() throws Exception {
        createQueue(pgq, "eobatch");
        ConsumerConfig config = ConsumerConfig.builder("eobatch", "c").deliveryMode(DeliveryMode.EXACTLY_ONCE)
                .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ZERO).build()).build();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config).batchHandler(batch -> {
            boolean firstTime = false;
            for (Event<String> e : batch.events()) {
                effect(batch.connection(), e);
                firstTime = e.attempt() == 1;
            }
            if (firstTime) {
                throw new IllegalStateException("fails after writing everything");
            }
        }).build()) {
            consumer.start();
            pgq.producer().sendAll("eobatch", events(50));
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(),
                    "SELECT count(*) FROM effects WHERE queue = 'eobatch'") == 50);
            Thread.sleep(300);
        }
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM effects WHERE queue = 'eobatch' AND attempt = 2"))
                .isEqualTo(50);
    }
}
