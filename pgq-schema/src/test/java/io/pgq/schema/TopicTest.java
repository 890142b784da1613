package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** pgq_topic: topics as sets of partition queues, routing by key, guards and grants. */
class TopicTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    TestDatabase db;
    Sql sql;
    final List<String> roles = new ArrayList<>();

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        this.db = db;
        sql = Sql.connect(db);
    }

    @AfterEach
    void close() throws SQLException {
        for (String role : roles) {
            sql.execute("drop owned by " + role + " cascade");
            sql.execute("drop role " + role);
        }
        sql.close();
    }

    @Test
    void createTopicCreatesItsPartitionQueuesAndIsIdempotentForTheSameCount() throws SQLException {
        assertThat(sql.scalar("select pgq_topic.create_topic('t_orders', 4)")).isEqualTo("1");
        assertThat(sql.column("select queue_name from pgq.queue where queue_name like 't\\_orders%' order by 1"))
                .containsExactly("t_orders.p0", "t_orders.p1", "t_orders.p2", "t_orders.p3");
        assertThat(sql.record("select * from pgq_topic.get_topic_info('t_orders')"))
                .containsEntry("partitions", "4").containsEntry("groups", "0");
        assertThat(sql.scalar("select pgq_topic.create_topic('t_orders', 4)")).isEqualTo("0");
        sql.assertSqlError("select pgq_topic.create_topic('t_orders', 8)",
                "topic \"t_orders\" already exists with 4 partitions, not 8: the partition count is fixed at creation; "
                        + "create a new topic to change it");
    }

    @Test
    void badNamesAndCountsAreRefusedWithClearErrors() throws SQLException {
        sql.assertSqlError("select pgq_topic.create_topic('bad name', 2)",
                "invalid topic name \"bad name\": use 1 to 120 letters, digits, '_', '.', '-' or ':'");
        sql.assertSqlError("select pgq_topic.create_topic(repeat('x', 121), 2)",
                "invalid topic name \"" + "x".repeat(121) + "\": use 1 to 120 letters, digits, '_', '.', '-' or ':'");
        sql.assertSqlError("select pgq_topic.create_topic('looks.p3', 2)",
                "invalid topic name \"looks.p3\": a name ending in \".p<digits>\" is reserved for partition queues");
        sql.assertSqlError("select pgq_topic.create_topic('t_zero', 0)",
                "invalid partition count 0 for topic \"t_zero\": it must be between 1 and 256");
        sql.assertSqlError("select pgq_topic.create_topic('t_many', 257)",
                "invalid partition count 257 for topic \"t_many\": it must be between 1 and 256");
        assertThat(sql.scalar("select pgq_topic.create_topic('t_max', 256)")).isEqualTo("1");
        assertThat(sql.scalar("select count(*) from pgq.queue where queue_name like 't\\_max.p%'")).isEqualTo("256");
    }

    @Test
    void topicCreationIsAllOrNothingWhenAPartitionNameIsTaken() throws SQLException {
        sql.execute("select pgq.create_queue('t_clash.p3')");
        sql.assertSqlError("select pgq_topic.create_topic('t_clash', 4)",
                "cannot create topic \"t_clash\": queue \"t_clash.p3\" already exists and would clash with the topic "
                        + "or its partitions; choose another topic name");
        sql.execute("select pgq.create_queue('t_plain')");
        sql.assertSqlError("select pgq_topic.create_topic('t_plain', 2)",
                "cannot create topic \"t_plain\": queue \"t_plain\" already exists and would clash with the topic "
                        + "or its partitions; choose another topic name");
        assertThat(sql.column("select queue_name from pgq.queue where queue_name like 't\\_clash%' or queue_name like 't\\_plain%' order by 1"))
                .containsExactly("t_clash.p3", "t_plain");
        assertThat(sql.scalar("select count(*) from pgq_topic.topic where topic_name in ('t_clash', 't_plain')")).isEqualTo("0");
    }

    @Test
    void plainQueueFunctionsCannotTakeOrDropATopicsQueues() throws SQLException {
        sql.execute("select pgq_topic.create_topic('t_guard', 2)");
        sql.assertSqlError("select pgq.create_queue('t_guard')",
                "cannot create queue \"t_guard\": it is the name of a topic; send to the topic with pgq_topic.insert_event");
        sql.assertSqlError("select pgq.create_queue('t_guard.p5')",
                "cannot create queue \"t_guard.p5\": the name belongs to topic \"t_guard\" (queues \"t_guard.p<k>\" are its partitions)");
        sql.assertSqlError("select pgq.drop_queue('t_guard.p1')",
                "cannot drop queue \"t_guard.p1\": it is partition 1 of topic \"t_guard\"; drop the topic with pgq_topic.drop_topic");
        sql.assertSqlError("select pgq.register_consumer('t_guard.p0', 'plain')",
                "cannot register consumer \"plain\" on queue \"t_guard.p0\": it is a partition of topic \"t_guard\"; "
                        + "consume the topic as a member of group \"plain\" instead (pgq_topic.heartbeat, or a topic consumer in Java)");
        sql.execute("select * from pgq_topic.heartbeat('t_guard', 'grp', 'm', '10 s')");
        assertThat(sql.scalar("select count(*) from pgq.get_consumer_info() where consumer_name = 'grp'")).isEqualTo("2");
        assertThat(sql.scalar("select pgq_topic.drop_topic('t_guard', true)")).isEqualTo("1");
        assertThat(sql.scalar("select count(*) from pgq.queue where queue_name like 't\\_guard%'")).isEqualTo("0");
        assertThat(sql.scalar("select pgq.create_queue('t_guard.p5')")).isEqualTo("1");
        assertThat(sql.scalar("select pgq_topic.drop_topic('t_guard')")).isEqualTo("0");
    }

    @Test
    void dropTopicRefusesWhileGroupsExistUnlessForced() throws SQLException {
        sql.execute("select pgq_topic.create_topic('t_drop', 2)");
        sql.execute("select * from pgq_topic.heartbeat('t_drop', 'g1', 'm1', '10 s')");
        sql.assertSqlError("select pgq_topic.drop_topic('t_drop')",
                "cannot drop topic \"t_drop\": groups g1 still consume it; drop them with pgq_topic.drop_group "
                        + "or drop the topic with force");
        assertThat(sql.scalar("select pgq_topic.drop_topic('t_drop', true)")).isEqualTo("1");
        assertThat(sql.scalar("select count(*) from pgq.queue where queue_name like 't\\_drop%'")).isEqualTo("0");
        assertThat(sql.scalar("select count(*) from pgq_topic.lease")).isEqualTo("0");
        assertThat(sql.scalar("select count(*) from pgq.consumer c join pgq.subscription s on s.sub_consumer = c.co_id "
                + "where c.co_name = 'g1'")).isEqualTo("0");
    }

    @Test
    void partitionForIsTheFirstFourBytesOfMd5OfTheUtf8KeyModuloN() throws Exception {
        List<String> keys = new ArrayList<>(List.of("", "a", "customer-42", "Grüße", "日本語キー", "emoji \uD83D\uDE00"));
        for (int i = 0; i < 500; i++) {
            keys.add(UUID.nameUUIDFromBytes(("k" + i).getBytes(StandardCharsets.UTF_8)).toString());
        }
        for (int n : new int[] {1, 3, 16, 256}) {
            for (String key : keys) {
                assertThat(sql.scalar("select pgq_topic.partition_for(?, ?)", key, n))
                        .as("partition of '%s' among %d", key, n).isEqualTo(String.valueOf(expected(key, n)));
            }
        }
        assertThat(sql.scalar("select pgq_topic.partition_for(null, 4)")).isNull();
    }

    private static long expected(String key, int n) throws Exception {
        byte[] d = MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
        long first = ((d[0] & 0xffL) << 24) | ((d[1] & 0xffL) << 16) | ((d[2] & 0xffL) << 8) | (d[3] & 0xffL);
        return first % n;
    }

    @Test
    void insertEventRoutesByKeyKeepsTheKeyInExtra4AndSpreadsKeylessEvents() throws Exception {
        sql.execute("select pgq_topic.create_topic('t_route', 4)");
        for (int i = 0; i < 40; i++) {
            sql.execute("select pgq_topic.insert_event('t_route', ?, 'k', ?)", "key-" + (i % 10), "d" + i);
        }
        for (int k = 0; k < 4; k++) {
            String queue = "t_route.p" + k;
            List<String> keys = sql.column("select ev_extra4 from pgq.event_template e join pgq.queue q "
                    + "on e.tableoid::regclass::text like q.queue_data_pfx || '%' where q.queue_name = ?", queue);
            for (String key : keys) {
                assertThat(expected(key, 4)).as("key %s in %s", key, queue).isEqualTo(k);
            }
        }
        assertThat(sql.scalar("select count(*) from pgq.event_template where ev_extra4 like 'key-%'")).isEqualTo("40");
        sql.execute("select pgq_topic.insert_event('t_route', null, 'nokey', 'x', 'e1', 'e2', 'e3') from generate_series(1, 200)");
        List<String> counts = sql.column("select count(*) from pgq.event_template e join pgq.queue q "
                + "on e.tableoid::regclass::text like q.queue_data_pfx || '\\_%' where ev_type = 'nokey' group by q.queue_name");
        assertThat(counts).as("keyless events in every partition").hasSize(4);
        assertThat(sql.scalar("select count(*) from pgq.event_template where ev_type = 'nokey' and ev_extra1 = 'e1' "
                + "and ev_extra3 = 'e3' and ev_extra4 is null")).isEqualTo("200");
    }

    @Test
    void oversizedKeysAndUnknownTopicsAreRefusedAndNothingIsWritten() throws SQLException {
        sql.execute("select pgq_topic.create_topic('t_limits', 2)");
        assertThat(sql.scalar("select pgq_topic.insert_event('t_limits', repeat('é', 256), 't', 'limits') is not null")).isEqualTo("t");
        sql.assertSqlError("select pgq_topic.insert_event('t_limits', repeat('é', 257), 't', 'limits')",
                "key of 514 bytes is too long for topic \"t_limits\": keys are at most 512 bytes of UTF-8");
        sql.assertSqlError("select pgq_topic.insert_event('t_none', 'k', 't', 'limits')",
                "topic \"t_none\" does not exist: create it with pgq_topic.create_topic");
        assertThat(sql.scalar("select count(*) from pgq.event_template where ev_data = 'limits'")).isEqualTo("1");
    }

    @Test
    void writersProduceReadersJoinGroupsAndOnlyAdminsCreateTopics() throws SQLException {
        sql.execute("select pgq_topic.create_topic('t_roles', 2)");
        Sql writer = sessionAs("writer", "pgq_writer");
        Sql reader = sessionAs("reader", "pgq_reader");
        Sql admin = sessionAs("admin", "pgq_admin");
        try {
            assertThat(writer.scalar("select pgq_topic.insert_event('t_roles', 'k', 't', 'd') is not null")).isEqualTo("t");
            writer.assertSqlError("select pgq_topic.create_topic('t_w', 2)", "permission denied for function create_topic");
            writer.assertSqlError("select * from pgq_topic.heartbeat('t_roles', 'g', 'm', '10 s')",
                    "permission denied for function heartbeat");
            assertThat(reader.rows("select * from pgq_topic.heartbeat('t_roles', 'g', 'm', '10 s')")).hasSize(2);
            reader.assertSqlError("select pgq_topic.insert_event('t_roles', 'k', 't', 'd')",
                    "permission denied for function insert_event");
            reader.assertSqlError("update pgq_topic.lease set owner = 'me'", "permission denied for table lease");
            reader.assertSqlError("select pgq_topic.drop_topic('t_roles', true)", "permission denied for function drop_topic");
            assertThat(admin.scalar("select pgq_topic.create_topic('t_by_admin', 2)")).isEqualTo("1");
            assertThat(admin.scalar("select pgq_topic.drop_group('t_roles', 'g')")).isEqualTo("1");
            assertThat(admin.scalar("select pgq_topic.drop_topic('t_roles')")).isEqualTo("1");
        } finally {
            writer.close();
            reader.close();
            admin.close();
        }
    }

    private Sql sessionAs(String kind, String group) throws SQLException {
        String role = "t_topic_" + kind + "_" + UUID.randomUUID().toString().substring(0, 8);
        sql.execute("create role " + role);
        sql.execute("grant " + group + " to " + role);
        roles.add(role);
        Sql s = Sql.connect(db);
        s.execute("set role " + role);
        return s;
    }
}
