package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topics from Java: administration, and every producing form routes like SQL's pgq_topic.insert_event. */
class TopicProducerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static Pgq pgq;
    static TestDatabase db;

    @EventType("thing.happened")
    record Thing(int n) {
    }

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        pgq = Pgq.create(PgqConfig.builder().dataSource(database.dataSource()).build());
    }

    @AfterAll
    static void stop() {
        pgq.close();
    }

    /** key -> partitions its events are in (by queue name), for the events of one topic. */
    private static Map<String, List<Integer>> partitionsOfKeys(String topic) throws SQLException {
        Map<String, List<Integer>> result = new HashMap<>();
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT q.queue_name, e.ev_extra4 FROM pgq.queue q, LATERAL (SELECT * FROM pgq.event_template t "
                        + "WHERE t.tableoid::regclass::text LIKE q.queue_data_pfx || '\\_%') e "
                        + "WHERE q.queue_name LIKE ? || '.p%' ORDER BY e.ev_id")) {
            st.setString(1, topic);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String q = rs.getString(1);
                    int p = Integer.parseInt(q.substring(q.lastIndexOf(".p") + 2));
                    result.computeIfAbsent(String.valueOf(rs.getString(2)), k -> new ArrayList<>()).add(p);
                }
            }
        }
        return result;
    }

    private static int sqlPartition(Connection c, String key, int n) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pgq_topic.partition_for(?, ?)")) {
            st.setString(1, key);
            st.setInt(2, n);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void javaAndSqlRouteEveryKeyToTheSamePartition() throws SQLException {
        List<String> keys = new ArrayList<>(List.of("", " ", "ä", "Grüße", "キー", "\uD83D\uDE00", "a".repeat(512)));
        IntStream.range(0, 3000).forEach(i -> keys.add("customer-" + i * 7919));
        try (Connection c = db.connect()) {
            for (int n : new int[] {1, 7, 16, 256}) {
                for (String key : keys) {
                    assertThat(TopicRouting.partition(key, n)).as("key '%s' among %d", key, n).isEqualTo(sqlPartition(c, key, n));
                }
            }
        }
    }

    @Test
    void eventsSentFromJavaAndFromSqlWithTheSameKeyShareAPartition() throws SQLException {
        assertThat(pgq.topics().createTopic("tp_mixed", 8)).isTrue();
        TopicProducer producer = pgq.topicProducer();
        for (int i = 0; i < 50; i++) {
            producer.send("tp_mixed", "k" + (i % 10), "t", "java-" + i);
        }
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT pgq_topic.insert_event('tp_mixed', 'k' || (i % 10), 't', 'sql-' || i) FROM generate_series(0, 49) i")) {
            st.execute();
        }
        Map<String, List<Integer>> seen = partitionsOfKeys("tp_mixed");
        assertThat(seen).hasSize(10);
        seen.forEach((key, parts) -> {
            assertThat(parts).as("partitions of key %s", key).hasSize(10).containsOnly(TopicRouting.partition(key, 8));
        });
        assertThat(producer.partitionFor("tp_mixed", "k3")).isEqualTo(TopicRouting.partition("k3", 8));
    }

    @Test
    void everyFormRoutesByKeyAndKeepsTheKeyInExtra4() throws Exception {
        pgq.topics().createTopic("tp_forms", 4);
        TopicProducer producer = pgq.topicProducer();
        producer.send("tp_forms", "a", new Thing(1));
        producer.send("tp_forms", OutgoingEvent.builder("t").key("b").payload("x").extra1("e1").build());
        long[] ids = producer.sendAll("tp_forms", List.of(OutgoingEvent.keyed("t", "c", "1"), OutgoingEvent.keyed("t", "d", "2"),
                OutgoingEvent.keyed("t", "c", "3")));
        assertThat(ids).hasSize(3);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            producer.send(c, "tp_forms", OutgoingEvent.keyed("t", "e", "outbox"));
            producer.sendAll(c, "tp_forms", List.of(OutgoingEvent.keyed("t", "f", "outbox")));
            c.rollback();
            producer.send(c, "tp_forms", OutgoingEvent.keyed("t", "g", "outbox"));
            producer.sendAll(DSL.using(c, SQLDialect.POSTGRES), "tp_forms", List.of(OutgoingEvent.keyed("t", "h", "jooq")));
            c.commit();
        }
        assertThat(producer.copy("tp_forms", List.of(OutgoingEvent.keyed("t", "i", "copy"), OutgoingEvent.keyed("t", "j", "copy"))))
                .isEqualTo(2);
        Map<String, List<Integer>> seen = partitionsOfKeys("tp_forms");
        assertThat(seen).containsOnlyKeys("a", "b", "c", "d", "g", "h", "i", "j");
        seen.forEach((key, parts) -> assertThat(parts).as("key %s", key).containsOnly(TopicRouting.partition(key, 4)));
        assertThat(seen.get("c")).hasSize(2);
    }

    @Test
    void keylessEventsAreSpreadOverAllPartitions() throws SQLException {
        pgq.topics().createTopic("tp_spread", 4);
        List<OutgoingEvent> events = IntStream.range(0, 40).mapToObj(i -> OutgoingEvent.of("t", "n" + i)).toList();
        pgq.topicProducer().sendAll("tp_spread", events);
        for (int i = 0; i < 8; i++) {
            pgq.topicProducer().send("tp_spread", OutgoingEvent.of("t", "single"));
        }
        Map<String, List<Integer>> seen = partitionsOfKeys("tp_spread");
        List<Integer> parts = seen.get("null");
        assertThat(parts).hasSize(48);
        for (int p = 0; p < 4; p++) {
            int partition = p;
            assertThat(parts.stream().filter(x -> x == partition).count()).as("events in partition %d", p).isEqualTo(12);
        }
    }

    @Test
    void aSendAllOverSeveralPartitionsIsOneTransaction() throws SQLException {
        pgq.topics().createTopic("tp_atomic", 4);
        List<OutgoingEvent> events = new ArrayList<>();
        IntStream.range(0, 20).forEach(i -> events.add(OutgoingEvent.keyed("t", "k" + i, "ok")));
        events.add(OutgoingEvent.keyed("t", "bad", new Object() {
            public String getValue() {
                throw new IllegalStateException("boom");
            }
        }));
        assertThatThrownBy(() -> pgq.topicProducer().sendAll("tp_atomic", events)).isInstanceOf(PayloadException.class);
        assertThat(partitionsOfKeys("tp_atomic")).isEmpty();
    }

    @Test
    void badInputGetsClearErrorsAndWritesNothing() throws SQLException {
        pgq.topics().createTopic("tp_bad", 2);
        TopicProducer producer = pgq.topicProducer();
        assertThatThrownBy(() -> producer.send("tp_bad", "é".repeat(257), "t", "d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key of 514 bytes is too long: keys are at most 512 bytes of UTF-8; use a shorter identifier "
                        + "(an id, not a payload)");
        assertThatThrownBy(() -> producer.sendAll("tp_bad", List.of(OutgoingEvent.keyed("t", "ok", "d"),
                OutgoingEvent.keyed("t", "x".repeat(600), "d")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> producer.send("no_such_topic", "k", "t", "d")).isInstanceOf(UnknownTopicException.class)
                .hasMessageContaining("No such topic 'no_such_topic'");
        assertThatThrownBy(() -> producer.send("bad topic", "k", "t", "d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid topic name 'bad topic': use 1 to 120 letters, digits, '_', '.', '-' or ':'");
        assertThatThrownBy(() -> pgq.topics().createTopic("tp_zero", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partitions must be between 1 and 256, was 0 (topic 'tp_zero')");
        assertThatThrownBy(() -> pgq.topics().createTopic("tp_bad", 3)).isInstanceOf(PgqException.class)
                .hasMessageContaining("topic \"tp_bad\" already exists with 2 partitions, not 3");
        assertThatThrownBy(() -> pgq.admin().createQueue("tp_bad.p7")).isInstanceOf(PgqException.class)
                .hasMessageContaining("the name belongs to topic \"tp_bad\"");
        assertThatThrownBy(() -> pgq.admin().registerConsumer("tp_bad.p1", "plain")).isInstanceOf(PgqException.class)
                .hasMessageContaining("cannot register consumer \"plain\" on queue \"tp_bad.p1\": it is a partition of topic \"tp_bad\"");
        assertThat(partitionsOfKeys("tp_bad")).isEmpty();
    }

    @Test
    void adminCreatesDescribesAndDropsTopicsAndGroups() throws SQLException {
        TopicAdmin admin = pgq.topics();
        assertThat(admin.createTopic("tp_admin", 3)).isTrue();
        assertThat(admin.createTopic("tp_admin", 3)).isFalse();
        assertThat(admin.topic("tp_admin")).get().extracting(TopicInfo::partitions).isEqualTo(3);
        assertThat(admin.topics()).extracting(TopicInfo::name).contains("tp_admin");
        assertThat(pgq.admin().queues()).extracting(QueueInfo::name).contains("tp_admin.p0", "tp_admin.p1", "tp_admin.p2");
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT * FROM pgq_topic.heartbeat('tp_admin', 'grp', 'member-1', '30 s')")) {
            st.execute();
        }
        GroupDescription g = admin.describeGroup("tp_admin", "grp").orElseThrow();
        assertThat(g.partitions()).extracting(GroupDescription.Partition::owner).containsOnly("member-1");
        assertThat(g.partitions()).extracting(GroupDescription.Partition::queue).containsExactly("tp_admin.p0", "tp_admin.p1", "tp_admin.p2");
        assertThat(g.members()).singleElement().satisfies(m -> {
            assertThat(m.memberId()).isEqualTo("member-1");
            assertThat(m.owned()).containsExactly(0, 1, 2);
            assertThat(m.sessionTimeout()).hasSeconds(30);
            assertThat(m.lastHeartbeat()).isNotNull();
        });
        assertThat(admin.groups("tp_admin")).containsExactly("grp");
        assertThat(admin.describeGroup("tp_admin", "none")).isEmpty();
        assertThatThrownBy(() -> admin.dropTopic("tp_admin")).isInstanceOf(PgqException.class)
                .hasMessageContaining("groups grp still consume it");
        assertThat(admin.dropGroup("tp_admin", "grp")).isTrue();
        assertThat(admin.dropTopic("tp_admin")).isTrue();
        assertThat(admin.topic("tp_admin")).isEmpty();
        assertThat(admin.dropTopic("tp_admin")).isFalse();
    }
}
