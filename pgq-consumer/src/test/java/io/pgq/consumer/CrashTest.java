package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.execute;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A consumer in another JVM is killed with SIGKILL in the middle of a batch, then restarted (the
 * restarted instance takes the consumer over when the killed one's 2 s lease has run out).
 */
class CrashTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static final int EVENTS = 400;
    static Pgq pgq;
    static TestSupport.Ticker ticker;
    static TestDatabase db;

    @BeforeAll
    static void setUp(TestDatabase database) throws Exception {
        db = database;
        pgq = TestSupport.client(db);
        ticker = new TestSupport.Ticker(db.dataSource(), true);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        ticker.close();
        pgq.close();
    }

    private static void prepare(String queue) throws Exception {
        execute(db.dataSource(), "DROP TABLE IF EXISTS effects, progress");
        execute(db.dataSource(), "CREATE TABLE effects (ev_id bigint, member text)");
        execute(db.dataSource(), "CREATE TABLE progress (ev_id bigint, member text)");
        createQueue(pgq, queue);
        pgq.admin().registerConsumer(queue, "c");
        new DeadLetters(pgq).createQueue(queue + ".dlq");
        // one transaction: one batch of 400 events, 5 ms each
        pgq.producer().sendAll(queue, IntStream.range(0, EVENTS).mapToObj(i -> OutgoingEvent.of("e", "x")).toList());
    }

    @Test
    void atLeastOnceEveryEventIsProcessedAfterAKillAndRestartAndTheBatchWasDeliveredAgain() throws Exception {
        prepare("alo");
        try (ChildJvm first = ChildJvm.start("alo-1", "128m", db, "alo", "c", "alo", "0", "-", "5", "2000")) {
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(), "SELECT count(*) FROM effects") >= 100);
            first.kill();
        }
        long before = scalar(db.dataSource(), "SELECT count(*) FROM effects");
        assertThat(before).isLessThan(EVENTS);
        assertThat(pgq.admin().consumer("alo", "c").orElseThrow().currentBatch()).isNotNull();   // killed mid-batch

        try (ChildJvm second = ChildJvm.start("alo-2", "128m", db, "alo", "c", "alo", "0", "-", "0", "2000")) {
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(),
                    "SELECT count(DISTINCT ev_id) FROM effects") == EVENTS);
            await().atMost(TestSupport.WAIT).until(() -> pgq.admin().consumer("alo", "c").orElseThrow()
                    .currentBatch() == null);
            assertThat(second.stop()).contains("Stopped consumer c of queue");
        }
        // the events handled before the kill were delivered again: at least once, not exactly once
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM effects")).isGreaterThanOrEqualTo(EVENTS + before);
    }

    @Test
    void exactlyOnceEveryEffectAppearsOnceAfterAKillAndRestart() throws Exception {
        prepare("eo");
        try (ChildJvm first = ChildJvm.start("eo-1", "128m", db, "eo", "c", "eo", "0", "-", "5", "2000")) {
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(), "SELECT count(*) FROM progress") >= 100);
            first.kill();
        }
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM effects")).isZero();   // rolled back with the batch
        assertThat(pgq.admin().consumer("eo", "c").orElseThrow().currentBatch()).isNotNull();

        try (ChildJvm second = ChildJvm.start("eo-2", "128m", db, "eo", "c", "eo", "0", "-", "0", "2000")) {
            await().atMost(TestSupport.WAIT).until(() -> pgq.admin().consumer("eo", "c").orElseThrow()
                    .currentBatch() == null && scalar(db.dataSource(), "SELECT count(*) FROM effects") > 0);
            assertThat(second.stop()).contains("Stopped consumer c of queue");
        }
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM effects")).isEqualTo(EVENTS);
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT ev_id) FROM effects")).isEqualTo(EVENTS);
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM progress")).isGreaterThan(EVENTS);   // work was redone
    }
}
