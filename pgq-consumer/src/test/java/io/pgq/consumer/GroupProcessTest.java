package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.execute;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgq.core.Pgq;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Consumer groups spread over JVMs: sharing 100,000 events, and take-over after a member is killed. */
class GroupProcessTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static Pgq pgq;
    static TestDatabase db;

    @BeforeAll
    static void setUp(TestDatabase database) {
        db = database;
        pgq = TestSupport.client(db);
    }

    @AfterAll
    static void tearDown() {
        pgq.close();
    }

    private static void prepare(String queue) throws Exception {
        execute(db.dataSource(), "DROP TABLE IF EXISTS effects, progress");
        execute(db.dataSource(), "CREATE TABLE effects (ev_id bigint, member text)");
        execute(db.dataSource(), "CREATE TABLE progress (ev_id bigint, member text)");
        createQueue(pgq, queue);
        pgq.admin().registerConsumer(queue, "g");
        new DeadLetters(pgq).createQueue(queue + ".dlq");
    }

    private static long members(String queue) throws Exception {
        return scalar(db.dataSource(), "SELECT count(*) FROM pgq.get_consumer_info(?) WHERE consumer_name LIKE 'g.%'",
                queue);
    }

    @Test
    void fourMembersInTwoJvmsProcessEveryEventOnceAndAllGetWork() throws Exception {
        prepare("work");
        try (ChildJvm a = ChildJvm.start("group-a", "128m", db, "work", "g", "eo-batch", "2", "a", "20", "10000");
             ChildJvm b = ChildJvm.start("group-b", "128m", db, "work", "g", "eo-batch", "2", "b", "20", "10000")) {
            await().atMost(TestSupport.WAIT).until(() -> members("work") == 4);
            // this test is the ticker: 100 batches of 1,000 events, each announced with NOTIFY
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                for (int batch = 0; batch < 100; batch++) {
                    st.execute("SELECT count(pgq.insert_event('work', 'e', i::text)) FROM generate_series(1, 1000) i");
                    st.execute("SELECT pgq.ticker('work')");
                    st.execute("NOTIFY pgq_tick, 'work'");
                }
            }
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(),
                    "SELECT count(*) FROM effects") >= 100_000 && scalar(db.dataSource(),
                    "SELECT count(*) FROM pgq.get_consumer_info('work') WHERE current_batch IS NOT NULL") == 0);
            assertThat(a.stop()).contains("Stopped consumer g of queue work");
            assertThat(b.stop()).contains("Stopped consumer g of queue work");
        }
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM effects")).isEqualTo(100_000);
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT ev_id) FROM effects")).isEqualTo(100_000);
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT member) FROM effects")).isEqualTo(4);
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT split_part(member, '/', 1)) FROM effects")).isEqualTo(2);
        assertThat(members("work")).isZero();   // both left gracefully
    }

    @Test
    void aKilledMembersBatchIsTakenOverByAMemberInAnotherJvm() throws Exception {
        prepare("takeover");
        GroupTest.Recorder recorder = new GroupTest.Recorder();
        try (ChildJvm a = ChildJvm.start("takeover-a", "128m", db, "takeover", "g", "eo", "1", "a", "20", "2000")) {
            await().atMost(TestSupport.WAIT).until(() -> members("takeover") == 1);
            execute(db.dataSource(), "SELECT count(pgq.insert_event('takeover', 'e', i::text)) "
                    + "FROM generate_series(1, 200) i");
            TestSupport.tick(db.dataSource());
            execute(db.dataSource(), "NOTIFY pgq_tick, 'takeover'");
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(), "SELECT count(*) FROM progress") >= 20);
            a.kill();
        }
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM effects")).isZero();
        ConsumerConfig config = ConsumerConfig.builder("takeover", "g").groupMembers(1).memberId("b")
                .sessionTimeout(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(200))
                .deliveryMode(DeliveryMode.EXACTLY_ONCE).build();
        try (PgqConsumer b = PgqConsumer.builder(pgq, config).otherwise(e -> {
            try (var st = e.connection().prepareStatement("INSERT INTO effects VALUES (?, 'b')")) {
                st.setLong(1, e.id());
                st.executeUpdate();
            }
            return Outcome.done();
        }).groupListener(recorder).build()) {
            b.start();
            await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(), "SELECT count(*) FROM effects") == 200);
        }
        assertThat(scalar(db.dataSource(), "SELECT count(DISTINCT ev_id) FROM effects")).isEqualTo(200);
        assertThat(recorder.calls).containsSubsequence("join:a-1", "takeover:b-1<-a-1", "leave:a-1");
    }
}
