package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.execute;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Consumer groups inside one JVM: sharing work, heartbeats, take-over, joins and leaves. */
class GroupTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static final MetricRegistry METRICS = new MetricRegistry();
    static Pgq pgq;
    static TestSupport.Ticker ticker;
    static TestDatabase db;

    @BeforeAll
    static void setUp(TestDatabase database) throws Exception {
        db = database;
        pgq = TestSupport.client(db, METRICS);
        ticker = new TestSupport.Ticker(db.dataSource(), true);
        execute(db.dataSource(), "CREATE TABLE effects (queue text, ev_id bigint, member text)");
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        ticker.close();
        pgq.close();
    }

    /** Records every call, as "join:m", "leave:m", "takeover:m<-dead:batch". */
    static final class Recorder implements GroupListener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void onJoin(String member) {
            calls.add("join:" + member);
        }

        @Override
        public void onLeave(String member) {
            calls.add("leave:" + member);
        }

        @Override
        public void onTakeOver(String member, String deadMember, long batchId) {
            calls.add("takeover:" + member + "<-" + deadMember);
        }
    }

    /** Exactly-once effect: the event id and the member's thread. */
    private static EventHandler<String> recording(Duration sleepPerEvent) {
        return e -> {
            Thread.sleep(sleepPerEvent.toMillis());
            try (PreparedStatement st = e.connection().prepareStatement("INSERT INTO effects VALUES (?, ?, ?)")) {
                st.setString(1, e.queue());
                st.setLong(2, e.id());
                st.setString(3, Thread.currentThread().getName());
                st.executeUpdate();
            }
            return Outcome.done();
        };
    }

    private static void produceBatches(String queue, int batches, int perBatch) throws InterruptedException {
        for (int b = 0; b < batches; b++) {
            pgq.producer().sendAll(queue, IntStream.range(0, perBatch)
                    .mapToObj(i -> OutgoingEvent.of("e", "x")).toList());
            Thread.sleep(40);   // let the ticker cut a batch
        }
    }

    @Test
    void membersShareTheWorkAndEachEventIsProcessedOnce() throws Exception {
        createQueue(pgq, "share");
        Recorder recorder = new Recorder();
        ConsumerConfig config = ConsumerConfig.builder("share", "g").groupMembers(3).memberId("jvm1")
                .deliveryMode(DeliveryMode.EXACTLY_ONCE).build();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config).otherwise(recording(Duration.ofMillis(5)))
                .groupListener(recorder).build()) {
            consumer.start();
            produceBatches("share", 30, 20);
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(),
                    "SELECT count(*) FROM effects WHERE queue = 'share'") == 600);
            Thread.sleep(200);
        }
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT ev_id) FROM effects WHERE queue = 'share'"))
                .isEqualTo(600);
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT member) FROM effects WHERE queue = 'share'"))
                .isGreaterThanOrEqualTo(2);
        assertThat(recorder.calls).contains("join:jvm1-1", "join:jvm1-2", "join:jvm1-3");
        assertThat(recorder.calls).noneMatch(c -> c.startsWith("takeover"));
    }

    @Test
    void heartbeatsKeepAMemberWithALongBatchAlive() throws Exception {
        createQueue(pgq, "heartbeat");
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        ConsumerConfig.Builder config = ConsumerConfig.builder("heartbeat", "g").groupMembers(1)
                .sessionTimeout(Duration.ofMillis(800)).heartbeatInterval(Duration.ofMillis(150))
                .pollInterval(Duration.ofMillis(100)).deliveryMode(DeliveryMode.EXACTLY_ONCE);
        try (PgqConsumer first = PgqConsumer.builder(pgq, config.memberId("a").build())
                .otherwise(recording(Duration.ofMillis(300))).groupListener(a).build();
             PgqConsumer second = PgqConsumer.builder(pgq, config.memberId("b").build())
                     .otherwise(recording(Duration.ofMillis(300))).groupListener(b).build()) {
            first.start();
            second.start();
            pgq.producer().sendAll("heartbeat", IntStream.range(0, 10).mapToObj(i -> OutgoingEvent.of("e", "x")).toList());
            // one batch of 10 x 300 ms = 3 s, far longer than the 800 ms session timeout
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(),
                    "SELECT count(*) FROM effects WHERE queue = 'heartbeat'") == 10);
        }
        assertThat(a.calls).noneMatch(c -> c.startsWith("takeover"));
        assertThat(b.calls).noneMatch(c -> c.startsWith("takeover"));
        assertThat(METRICS.meter(ConsumerMetrics.takeovers("heartbeat", "g")).getCount()).isZero();
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT member) FROM effects WHERE queue = 'heartbeat'"))
                .isEqualTo(1);
    }

    @Test
    void theBatchOfADeadMemberIsTakenOverAfterTheSessionTimeout() throws Exception {
        createQueue(pgq, "takeover");
        execute(db.dataSource(), "SELECT pgq_coop.register_subconsumer('takeover', 'g', 'ghost')");
        pgq.producer().sendAll("takeover", IntStream.range(0, 5).mapToObj(i -> OutgoingEvent.of("e", "x")).toList());
        // the ghost takes the batch and is never seen again
        await().atMost(TestSupport.WAIT).until(() -> {
            long batch = scalar(db.dataSource(), "SELECT coalesce(pgq_coop.next_batch('takeover', 'g', 'ghost'), 0)");
            if (batch == 0) {
                return false;
            }
            if (scalar(db.dataSource(), "SELECT count(*) FROM pgq.get_batch_events(?)", batch) == 5) {
                return true;
            }
            execute(db.dataSource(), "SELECT pgq_coop.finish_batch(?)", batch);   // an empty batch of an idle tick
            return false;
        });
        Recorder recorder = new Recorder();
        ConsumerConfig config = ConsumerConfig.builder("takeover", "g").groupMembers(1).memberId("live")
                .sessionTimeout(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(200))
                .deliveryMode(DeliveryMode.EXACTLY_ONCE).build();
        try (PgqConsumer consumer = PgqConsumer.builder(pgq, config).otherwise(recording(Duration.ZERO))
                .groupListener(recorder).build()) {
            consumer.start();
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(),
                    "SELECT count(*) FROM effects WHERE queue = 'takeover'") == 5);
            await().atMost(TestSupport.WAIT).until(() -> recorder.calls.contains("leave:ghost"));
        }
        assertThat(recorder.calls).containsSubsequence("join:ghost", "takeover:live-1<-ghost", "leave:ghost");
        assertThat(recorder.calls).contains("join:live-1");
        assertThat(METRICS.meter(ConsumerMetrics.takeovers("takeover", "g")).getCount()).isEqualTo(1);
    }

    @Test
    void membersThatStopLeaveTheGroupAndAGroupCanSeek() throws Exception {
        createQueue(pgq, "leave");
        Recorder observer = new Recorder();
        ConsumerConfig.Builder config = ConsumerConfig.builder("leave", "g").groupMembers(2)
                .pollInterval(Duration.ofMillis(100)).deliveryMode(DeliveryMode.EXACTLY_ONCE);
        try (PgqConsumer watching = PgqConsumer.builder(pgq, config.memberId("watch").build())
                .otherwise(recording(Duration.ZERO)).groupListener(observer).build()) {
            watching.start();
            PgqConsumer leaving = PgqConsumer.builder(pgq, config.memberId("gone").build())
                    .otherwise(recording(Duration.ZERO)).build();
            leaving.start();
            await().atMost(TestSupport.WAIT).until(() -> observer.calls.contains("join:gone-2"));
            assertThat(leaving.stop(Duration.ofSeconds(5))).isTrue();
            await().atMost(TestSupport.WAIT).until(() -> observer.calls.containsAll(List.of("leave:gone-1",
                    "leave:gone-2")));

            pgq.producer().send("leave", "e", "x");
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(),
                    "SELECT count(*) FROM effects WHERE queue = 'leave'") == 1);
            watching.seek(io.pgq.core.ConsumerPosition.earliest());
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(),
                    "SELECT count(*) FROM effects WHERE queue = 'leave'") == 2);
        }
    }
}
