package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** insert_event, insert_event_raw and current_event_table (reference §2.2). */
class ProducerTest extends SchemaTestCase {

    @Test
    void insertEventWithThreeArgumentsStoresTheEventInTheCurrentTable() throws SQLException {
        sql.createEagerQueue("p_three");
        long id = sql.queueId("p_three");
        sql.begin();
        String evId = sql.scalar("select pgq.insert_event('p_three', 'greeting', 'hello')");
        Map<String, String> tx = sql.record("select txid_current()::text as txid, now()::text as now");
        sql.commit();

        Map<String, String> row = sql.record("select ev_id, ev_time::text, ev_txid, ev_owner, ev_retry, ev_type, ev_data,"
                + " ev_extra1, ev_extra2, ev_extra3, ev_extra4 from pgq.event_" + id + "_0");
        assertThat(row).containsEntry("ev_id", evId)
                .containsEntry("ev_time", tx.get("now"))
                .containsEntry("ev_txid", tx.get("txid"))
                .containsEntry("ev_owner", null).containsEntry("ev_retry", null)
                .containsEntry("ev_type", "greeting").containsEntry("ev_data", "hello")
                .containsEntry("ev_extra1", null).containsEntry("ev_extra2", null)
                .containsEntry("ev_extra3", null).containsEntry("ev_extra4", null);
    }

    @Test
    void insertEventWithSevenArgumentsStoresTheExtrasAndIdsAreConsecutive() throws SQLException {
        sql.createEagerQueue("p_seven");
        long first = sql.scalarLong("select pgq.insert_event('p_seven', 't', 'd', 'e1', 'e2', 'e3', 'e4')");
        long second = sql.scalarLong("select pgq.insert_event('p_seven', 't2', 'd2')");
        assertThat(second).isEqualTo(first + 1);

        assertThat(sql.rows("select ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4 from pgq.event_"
                + sql.queueId("p_seven") + " order by ev_id")).containsExactly(
                List.of("t", "d", "e1", "e2", "e3", "e4"),
                java.util.Arrays.asList("t2", "d2", null, null, null, null));
    }

    @Test
    void insertEventRawUsesGivenFieldsDefaultsTimeToNowAndAlwaysAdvancesTheSequence() throws SQLException {
        sql.createEagerQueue("p_raw");
        long id = sql.queueId("p_raw");
        String seq = "pgq.event_" + id + "_id_seq";
        sql.execute("select pgq.insert_event('p_raw', 'warm', 'up')");
        long before = sql.scalarLong("select pgq.seq_getval(?)", seq);

        sql.begin();
        assertThat(sql.scalar("select pgq.insert_event_raw('p_raw', 1000, null, 7, 3, 't', 'd', 'x1', 'x2', 'x3', 'x4')"))
                .isEqualTo("1000");
        String now = sql.scalar("select now()::text");
        sql.commit();

        assertThat(sql.scalarLong("select pgq.seq_getval(?)", seq)).as("nextval is taken even when ev_id is given")
                .isEqualTo(before + 1);
        assertThat(sql.rows("select ev_id, ev_time::text, ev_owner, ev_retry, ev_type, ev_data, ev_extra1, ev_extra2,"
                + " ev_extra3, ev_extra4 from pgq.event_" + id + " where ev_id = 1000"))
                .containsExactly(List.of("1000", now, "7", "3", "t", "d", "x1", "x2", "x3", "x4"));

        String time = "2020-01-02 03:04:05+05:45";
        long auto = sql.scalarLong("select pgq.insert_event_raw('p_raw', null, ?::timestamptz, null, null, 't', 'd',"
                + " null, null, null, null)", time);
        assertThat(auto).as("NULL ev_id takes the sequence value").isEqualTo(before + 2);
        assertThat(sql.scalar("select ev_time = ?::timestamptz from pgq.event_" + id + " where ev_id = ?", time, auto))
                .isEqualTo("t");
    }

    @Test
    void insertEventRawErrors() throws SQLException {
        sql.assertSqlError("select pgq.insert_event_raw('p_nosuch', null, null, null, null, 't', 'd', null, null, null, null)",
                "No such queue");
        sql.assertSqlError("select pgq.insert_event_raw(null, null, null, null, null, 't', 'd', null, null, null, null)",
                "Queue name must not be NULL");
        sql.assertSqlError("select pgq.insert_event('p_nosuch', 't', 'd')", "No such queue");
    }

    @Test
    void disabledInsertIsRefusedExceptForReplicaSessionsAndStillConsumesAnId() throws SQLException {
        sql.createEagerQueue("p_disabled");
        long id = sql.queueId("p_disabled");
        String seq = "pgq.event_" + id + "_id_seq";
        sql.execute("select pgq.insert_event('p_disabled', 'warm', 'up')");
        sql.execute("update pgq.queue set queue_disable_insert = true where queue_name = 'p_disabled'");
        long before = sql.scalarLong("select pgq.seq_getval(?)", seq);

        sql.assertSqlError("select pgq.insert_event('p_disabled', 't', 'd')", "Insert into queue disallowed");
        sql.assertSqlError("select pgq.insert_event('p_disabled', 't', 'd', null, null, null, null)",
                "Insert into queue disallowed");
        sql.assertSqlError("select pgq.insert_event_raw('p_disabled', null, null, null, null, 't', 'd', null, null, null, null)",
                "Insert into queue disallowed");
        sql.assertSqlError("select pgq.current_event_table('p_disabled')", "Writing to queue disabled");
        assertThat(sql.scalarLong("select pgq.seq_getval(?)", seq)).as("failed inserts still consume ids")
                .isEqualTo(before + 3);
        assertThat(sql.scalar("select count(*) from pgq.event_" + id)).isEqualTo("1");

        sql.execute("set session_replication_role = replica");
        try {
            sql.execute("select pgq.insert_event('p_disabled', 't', 'replicated')");
            assertThat(sql.scalar("select pgq.current_event_table('p_disabled')")).isEqualTo("pgq.event_" + id + "_0");
        } finally {
            sql.execute("set session_replication_role = origin");
        }
        assertThat(sql.column("select ev_data from pgq.event_" + id + " order by ev_id")).containsExactly("up", "replicated");
    }

    @Test
    void perTransactionLimitCountsEventsOfOneTopLevelTransactionPerQueue() throws SQLException {
        sql.createEagerQueue("p_limited");
        sql.createEagerQueue("p_unlimited");
        sql.execute("update pgq.queue set queue_per_tx_limit = 3 where queue_name = 'p_limited'");

        sql.begin();
        sql.execute("select pgq.insert_event('p_limited', 't', 'a') from generate_series(1, 2)");
        sql.execute("savepoint s1");
        sql.execute("select pgq.insert_event('p_limited', 't', 'b')");
        sql.execute("release savepoint s1");
        sql.execute("select pgq.insert_event('p_unlimited', 't', 'x') from generate_series(1, 5)");
        sql.assertSqlError("select pgq.insert_event('p_limited', 't', 'c')", "Queue 'p_limited' allows max 3 events from one TX");
        sql.commit();

        sql.begin();
        sql.execute("select pgq.insert_event('p_limited', 't', 'd') from generate_series(1, 3)");
        sql.rollback();

        sql.begin();
        sql.execute("select pgq.insert_event('p_limited', 't', 'e') from generate_series(1, 3)");
        sql.commit();

        // autocommit: every statement is its own transaction
        for (int i = 0; i < 4; i++) {
            sql.execute("select pgq.insert_event('p_limited', 't', 'f')");
        }
        sql.assertSqlError("select pgq.insert_event('p_limited', 't', 'g') from generate_series(1, 4)",
                "Queue 'p_limited' allows max 3 events from one TX");

        assertThat(sql.column("select ev_data from pgq.event_" + sql.queueId("p_limited") + " order by ev_id"))
                .containsExactly("a", "a", "b", "e", "e", "e", "f", "f", "f", "f");
    }

    @Test
    void perTransactionLimitZeroForbidsAllInserts() throws SQLException {
        sql.createEagerQueue("p_zero");
        sql.execute("update pgq.queue set queue_per_tx_limit = 0 where queue_name = 'p_zero'");
        sql.assertSqlError("select pgq.insert_event('p_zero', 't', 'd')", "Queue 'p_zero' allows max 0 events from one TX");
        sql.assertSqlError("select pgq.insert_event_raw('p_zero', null, now(), null, null, 't', 'd', null, null, null, null)",
                "Queue 'p_zero' allows max 0 events from one TX");
        assertThat(sql.scalar("select count(*) from pgq.event_" + sql.queueId("p_zero"))).isEqualTo("0");
    }

    @Test
    void currentEventTableNamesTheTableReceivingInsertsAndDirectInsertsAreDelivered() throws SQLException {
        sql.createEagerQueue("p_direct");
        long id = sql.queueId("p_direct");
        sql.execute("select pgq.register_consumer('p_direct', 'c')");
        assertThat(sql.scalar("select pgq.current_event_table('p_direct')")).isEqualTo("pgq.event_" + id + "_0");

        sql.execute("insert into pgq.event_" + id + "_0 (ev_time, ev_type, ev_data) values (now(), 'direct', 'row1')");
        sql.insert("p_direct", "row2");
        sql.tick("p_direct");
        assertThat(sql.consume("p_direct", "c")).containsExactly("row1", "row2");

        sql.execute("select pgq.set_queue_config('p_direct', 'rotation_period', '0')");
        sql.execute("select pgq.maint_rotate_tables_step1('p_direct')");
        assertThat(sql.scalar("select pgq.current_event_table('p_direct')")).isEqualTo("pgq.event_" + id + "_1");

        sql.assertSqlError("select pgq.current_event_table('p_nosuch')", "Event queue not found");
    }
}
