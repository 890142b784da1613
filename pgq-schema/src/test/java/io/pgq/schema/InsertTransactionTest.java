package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many events of one transaction through {@code pgq.insert_event}: whatever way a transaction ends
 * (savepoints, rotation or drop of the queue in the same transaction, {@code SET CONSTRAINTS}, the
 * replica role), every committed event arrives exactly once with the id insert_event returned and
 * its fields unchanged, and no rolled-back event arrives.
 */
class InsertTransactionTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    TestDatabase db;
    Sql sql;
    String queue;
    final List<String> roles = new ArrayList<>();

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        this.db = db;
        sql = Sql.connect(db);
        queue = "ib_" + UUID.randomUUID().toString().substring(0, 8);
        sql.createEagerQueue(queue);
        sql.execute("select pgq.register_consumer(?, 'c')", queue);
    }

    @AfterEach
    void close() throws SQLException {
        sql.close();
        try (Sql admin = Sql.connect(db)) {
            for (String role : roles) {
                admin.execute("drop owned by " + role + " cascade");
                admin.execute("drop role " + role);
            }
        }
    }

    @Test
    void manyEventsInOneTransactionArriveOnceWithTheIdsInsertEventReturned() throws SQLException {
        sql.begin();
        List<String> ids = sql.column("select pgq.insert_event(?, 'n', 'data-' || g) from generate_series(1, 3000) g", queue);
        sql.commit();

        List<Map<String, String>> events = delivered(queue);
        assertThat(events).extracting(e -> e.get("ev_id")).containsExactlyElementsOf(ids);
        assertThat(events).extracting(e -> e.get("ev_data"))
                .containsExactlyElementsOf(sql.column("select 'data-' || g from generate_series(1, 3000) g"));
        assertThat(events).extracting(e -> e.get("ev_txid")).containsOnly(events.get(0).get("ev_txid"));
    }

    @Test
    void everyFieldArrivesExactly() throws SQLException {
        List<String[]> sent = List.of(
                new String[] {"plain", "data", null, null, null, null},
                new String[] {null, "no type", null, null, null, null},
                new String[] {"no data", null, null, null, null, null},
                new String[] {"", "", "", "", "", ""},
                new String[] {"sep\u001ftype", "data\u001fwith\u001eseparators", null, null, null, null},
                new String[] {"t", "d", "e1", null, "", "e4\u001e"},
                new String[] {"unicode", "żółw 🐢 \\ ' \" \n\t", "ё", null, null, "v"},
                new String[] {"v", "vv", "v", "", null, "x"});
        sql.begin();
        List<String> ids = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (String[] e : sent) {
                ids.add(sql.scalar("select pgq.insert_event(?, ?, ?, ?, ?, ?, ?)",
                        queue, e[0], e[1], e[2], e[3], e[4], e[5]));
                if (e[2] == null && e[3] == null && e[4] == null && e[5] == null) {
                    ids.add(sql.scalar("select pgq.insert_event(?, ?, ?)", queue, e[0], e[1]));
                }
            }
        }
        sql.commit();

        List<String[]> expected = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (String[] e : sent) {
                expected.add(e);
                if (e[2] == null && e[3] == null && e[4] == null && e[5] == null) {
                    expected.add(e);
                }
            }
        }
        List<Map<String, String>> events = delivered(queue);
        assertThat(events).extracting(e -> e.get("ev_id")).containsExactlyElementsOf(ids);
        for (int i = 0; i < events.size(); i++) {
            Map<String, String> e = events.get(i);
            String[] got = {e.get("ev_type"), e.get("ev_data"), e.get("ev_extra1"), e.get("ev_extra2"),
                e.get("ev_extra3"), e.get("ev_extra4")};
            assertThat(got).as("event %d", i).containsExactly(expected.get(i));
        }
    }

    @Test
    void aRolledBackSavepointTakesItsEventsBack() throws SQLException {
        sql.begin();
        insert(1, 10);
        sql.execute("savepoint s");
        insert(11, 20);
        sql.execute("rollback to savepoint s");
        insert(21, 30);
        sql.execute("savepoint s2");
        insert(31, 40);
        sql.execute("release savepoint s2");
        sql.commit();

        assertThat(data(delivered(queue))).containsExactlyElementsOf(expectedData(1, 10, 21, 40));
    }

    @Test
    void aRolledBackTransactionLeavesNothing() throws SQLException {
        sql.begin();
        insert(1, 50);
        sql.rollback();
        sql.begin();
        insert(51, 52);
        sql.commit();

        assertThat(data(delivered(queue))).containsExactlyElementsOf(expectedData(51, 52));
    }

    @Test
    void eventsAreInTheTableAtOnceAlsoUnderSetConstraints() throws SQLException {
        String table = sql.scalar("select pgq.current_event_table(?)", queue);
        sql.begin();
        insert(1, 10);
        assertThat(sql.scalar("select count(*) from " + table)).isEqualTo("10");
        sql.execute("set constraints all immediate");
        insert(11, 20);
        assertThat(sql.scalar("select count(*) from " + table)).isEqualTo("20");
        sql.execute("set constraints all deferred");
        insert(21, 30);
        sql.commit();

        assertThat(data(delivered(queue))).containsExactlyElementsOf(expectedData(1, 30));
    }

    @Test
    void aTransactionsFirstEventThroughTheSessionsRememberedTableAndTheNextOnesArrive() throws SQLException {
        sql.execute("select pgq.insert_event(?, 'n', 'e0')", queue);   // the session now remembers the queue's table
        sql.begin();
        for (int i = 1; i <= 6; i++) {   // one statement each: the first finds no xid yet
            sql.execute("select pgq.insert_event(?, 'n', ?)", queue, "e" + i);
        }
        sql.commit();

        assertThat(data(delivered(queue))).containsExactlyElementsOf(expectedData(0, 6));
    }

    @Test
    void eventsOfTwoQueuesInOneTransactionEachArrive() throws SQLException {
        String other = queue + "_b";
        sql.createEagerQueue(other);
        sql.execute("select pgq.register_consumer(?, 'c')", other);
        sql.begin();
        insert(1, 10);
        sql.column("select pgq.insert_event(?, 'n', 'other-' || g) from generate_series(1, 10) g", other);
        insert(11, 20);
        sql.commit();

        assertThat(data(delivered(queue))).containsExactlyElementsOf(expectedData(1, 20));
        assertThat(data(delivered(other))).containsExactlyElementsOf(
                sql.column("select 'other-' || g from generate_series(1, 10) g"));
    }

    @Test
    void aRotationInTheSameTransactionKeepsEveryEvent() throws SQLException {
        sql.execute("select pgq.set_queue_config(?, 'rotation_period', '0')", queue);
        sql.execute("select pgq.maint_rotate_tables_step2()");
        sql.begin();
        insert(1, 10);
        sql.execute("select pgq.maint_rotate_tables_step1(?)", queue);
        insert(11, 20);
        sql.commit();
        sql.execute("select pgq.maint_rotate_tables_step2()");

        assertThat(data(delivered(queue))).containsExactlyElementsOf(expectedData(1, 20));
    }

    @Test
    void dropQueueInTheSameTransactionAfterItsEvents() throws SQLException {
        sql.begin();
        insert(1, 10);
        assertThat(sql.scalar("select pgq.drop_queue(?, true)", queue)).isEqualTo("1");
        sql.commit();
        assertThat(sql.scalar("select count(*) from pgq.queue where queue_name = ?", queue)).isEqualTo("0");
    }

    @Test
    void eventsAreWrittenUnderReplicaRoleToo() throws SQLException {
        sql.begin();
        sql.execute("set local session_replication_role = replica");
        insert(1, 20);
        sql.commit();

        assertThat(data(delivered(queue))).containsExactlyElementsOf(expectedData(1, 20));
    }

    @Test
    void aWriterAndARoleWithOnlyExecuteOnInsertEventProduce() throws SQLException {
        String writer = role("w", "grant pgq_writer to %s");
        String granted = role("g", "grant execute on function pgq.insert_event(text, text, text) to %s");
        for (String who : List.of(writer, granted)) {
            try (Sql s = Sql.connect(db)) {
                s.execute("set role " + who);
                s.begin();
                s.column("select pgq.insert_event(?, 'n', ? || g) from generate_series(1, 50) g", queue, who);
                s.commit();
            }
        }
        List<String> expected = new ArrayList<>(sql.column("select ? || g from generate_series(1, 50) g", writer));
        expected.addAll(sql.column("select ? || g from generate_series(1, 50) g", granted));
        assertThat(data(delivered(queue))).containsExactlyElementsOf(expected);
    }

    private String role(String kind, String grant) throws SQLException {
        String name = "t_ib_" + kind + "_" + UUID.randomUUID().toString().substring(0, 8);
        sql.execute("create role " + name);
        roles.add(name);
        sql.execute(String.format(grant, name));
        return name;
    }

    private void insert(int from, int to) throws SQLException {
        sql.column("select pgq.insert_event(?, 'n', 'e' || g) from generate_series(?::int, ?::int) g", queue, from, to);
    }

    private List<String> expectedData(int... ranges) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < ranges.length; r += 2) {
            for (int i = ranges[r]; i <= ranges[r + 1]; i++) {
                out.add("e" + i);
            }
        }
        return out;
    }

    private static List<String> data(List<Map<String, String>> events) {
        return events.stream().map(e -> e.get("ev_data")).toList();
    }

    /** Ticks and reads everything consumer 'c' has not seen yet, in ev_id order. */
    private List<Map<String, String>> delivered(String q) throws SQLException {
        sql.tick(q);
        List<Map<String, String>> all = new ArrayList<>();
        Long batch;
        while ((batch = sql.nextBatch(q, "c")) != null) {
            all.addAll(sql.records("select ev_id, ev_txid, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4"
                    + " from pgq.get_batch_events(?) order by ev_id", batch));
            sql.execute("select pgq.finish_batch(?)", batch);
        }
        return all;
    }
}
