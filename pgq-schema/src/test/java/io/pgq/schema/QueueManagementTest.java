package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** create_queue, drop_queue and set_queue_config (reference §1.1, §2.1). */
class QueueManagementTest extends SchemaTestCase {

    @Test
    void createQueueReturnsOneThenZeroAndCreatesTheTablesSequencesAndFirstTick() throws SQLException {
        assertThat(sql.scalar("select pgq.create_queue('cq_objects')")).isEqualTo("1");
        assertThat(sql.scalar("select pgq.create_queue('cq_objects')")).isEqualTo("0");

        long id = sql.queueId("cq_objects");
        String pfx = "pgq.event_" + id;
        assertThat(sql.record("select queue_data_pfx, queue_event_seq, queue_tick_seq, queue_ntables, queue_cur_table"
                + " from pgq.queue where queue_name = 'cq_objects'"))
                .containsExactly(Map.entry("queue_data_pfx", pfx), Map.entry("queue_event_seq", pfx + "_id_seq"),
                        Map.entry("queue_tick_seq", pfx + "_tick_seq"), Map.entry("queue_ntables", "3"),
                        Map.entry("queue_cur_table", "0"));
        assertThat(sql.scalar("select to_regclass(?) is not null and to_regclass(?) is not null",
                pfx + "_id_seq", pfx + "_tick_seq")).isEqualTo("t");

        // pgq.event_<id> inherits event_template; event_<id>_0..2 inherit pgq.event_<id>
        assertThat(sql.column("select inhparent::regclass::text from pg_inherits where inhrelid = ?::regclass", pfx))
                .containsExactly("pgq.event_template");
        assertThat(sql.column("select inhrelid::regclass::text from pg_inherits where inhparent = ?::regclass"
                + " order by 1", pfx)).containsExactly(pfx + "_0", pfx + "_1", pfx + "_2");
        for (int i = 0; i < 3; i++) {
            String table = pfx + "_" + i;
            assertThat(sql.scalar("select pg_get_expr(adbin, adrelid) from pg_attrdef d join pg_attribute a"
                    + " on a.attrelid = d.adrelid and a.attnum = d.adnum where d.adrelid = ?::regclass"
                    + " and a.attname = 'ev_id'", table)).as("ev_id default of %s", table)
                    .isEqualTo("nextval('" + pfx + "_id_seq'::regclass)");
            assertThat(sql.scalar("select pg_get_indexdef(indexrelid) from pg_index where indrelid = ?::regclass",
                    table)).as("index of %s", table)
                    .contains("event_" + id + "_" + i + "_txid_idx").contains("(ev_txid)");
        }

        assertThat(sql.rows("select tick_id from pgq.tick where tick_queue = ?", id)).containsExactly(List.of("1"));
        assertThat(sql.scalar("select last_tick_id from pgq.get_queue_info('cq_objects')")).isEqualTo("1");
    }

    @Test
    void createQueueRejectsNull() throws SQLException {
        sql.assertSqlError("select pgq.create_queue(null)", "Invalid NULL value");
    }

    @Test
    void dropQueueRefusesWhileConsumersAreAttachedAndKeepsTheQueue() throws SQLException {
        sql.createEagerQueue("dq_attached");
        sql.execute("select pgq.register_consumer('dq_attached', 'c1')");

        sql.assertSqlError("select pgq.drop_queue('dq_attached')", "cannot drop queue, consumers still attached");
        sql.assertSqlError("select pgq.drop_queue('dq_attached', false)", "cannot drop queue, consumers still attached");

        assertThat(sql.scalar("select count(*) from pgq.queue where queue_name = 'dq_attached'")).isEqualTo("1");
        assertThat(sql.scalar("select count(*) from pgq.get_consumer_info('dq_attached')")).isEqualTo("1");
    }

    @Test
    void dropQueueWithForceUnregistersConsumersAndRemovesEverything() throws SQLException {
        sql.createEagerQueue("dq_force");
        sql.createEagerQueue("dq_other");
        long id = sql.queueId("dq_force");
        sql.execute("select pgq.register_consumer('dq_force', 'dq_only_here')");
        sql.execute("select pgq.register_consumer('dq_force', 'dq_shared')");
        sql.execute("select pgq.register_consumer('dq_other', 'dq_shared')");
        sql.insert("dq_force", "a");
        sql.tick("dq_force");
        Long batch = sql.nextBatch("dq_force", "dq_only_here");
        sql.execute("select pgq.event_retry(?, (select ev_id from pgq.get_batch_events(?) limit 1), 60)", batch, batch);

        assertThat(sql.scalar("select pgq.drop_queue('dq_force', true)")).isEqualTo("1");

        assertThat(sql.scalar("select count(*) from pgq.queue where queue_name = 'dq_force'")).isEqualTo("0");
        assertThat(sql.scalar("select count(*) from pgq.tick where tick_queue = ?", id)).isEqualTo("0");
        assertThat(sql.scalar("select count(*) from pgq.subscription where sub_queue = ?", id)).isEqualTo("0");
        assertThat(sql.scalar("select count(*) from pgq.retry_queue where ev_queue = ?", id)).isEqualTo("0");
        assertThat(sql.scalar("select count(*) from pg_class where relnamespace = 'pgq'::regnamespace"
                + " and relname like ?", "event\\_" + id + "\\_%")).as("data tables and sequences").isEqualTo("0");
        assertThat(sql.scalar("select to_regclass(?)", "pgq.event_" + id)).isNull();
        assertThat(sql.column("select co_name from pgq.consumer where co_name like 'dq\\_%' order by 1"))
                .as("a consumer with no other subscription is removed").containsExactly("dq_shared");
        assertThat(sql.column("select consumer_name from pgq.get_consumer_info('dq_other')")).containsExactly("dq_shared");
    }

    @Test
    void dropQueueWithoutConsumersReturnsOne() throws SQLException {
        sql.createEagerQueue("dq_plain");
        assertThat(sql.scalar("select pgq.drop_queue('dq_plain')")).isEqualTo("1");
        assertThat(sql.scalar("select count(*) from pgq.get_queue_info('dq_plain')")).isEqualTo("0");
        assertThat(sql.scalar("select pgq.create_queue('dq_plain')")).as("the name can be reused").isEqualTo("1");
    }

    @Test
    void dropUnknownQueueFails() throws SQLException {
        sql.assertSqlError("select pgq.drop_queue('dq_nosuch')", "No such event queue");
        sql.assertSqlError("select pgq.drop_queue('dq_nosuch', true)", "No such event queue");
        assertThat(sql.scalar("select pgq.drop_queue(null)")).as("1-arg form is STRICT").isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ticker_max_count   | 7          | queue_ticker_max_count   | 7
            ticker_max_lag     | 5 seconds  | queue_ticker_max_lag     | 00:00:05
            ticker_max_lag     | 0          | queue_ticker_max_lag     | 00:00:00
            ticker_idle_period | 2 minutes  | queue_ticker_idle_period | 00:02:00
            ticker_paused      | true       | queue_ticker_paused      | true
            rotation_period    | 1 hour     | queue_rotation_period    | 01:00:00
            rotation_period    | 0          | queue_rotation_period    | 00:00:00
            external_ticker    | true       | queue_external_ticker    | true
            """)
    void setQueueConfigChangesEachAllowedParameter(String param, String value, String column, String stored)
            throws SQLException {
        String queue = "cfg_" + param + "_" + Math.abs(value.hashCode());
        sql.execute("select pgq.create_queue(?)", queue);
        assertThat(sql.scalar("select pgq.set_queue_config(?, ?, ?)", queue, param, value)).isEqualTo("1");
        assertThat(sql.scalar("select " + column + "::text from pgq.queue where queue_name = ?", queue)).isEqualTo(stored);
    }

    @ParameterizedTest
    @CsvSource({"foo", "ntables", "queue_ticker_max_count", "cur_table", "data_pfx"})
    void setQueueConfigRefusesOtherParameters(String param) throws SQLException {
        refusesParameter(param);
    }

    /** §2.1: "disable_insert, per_tx_limit, ntables cannot be set through it". */
    @ParameterizedTest
    @CsvSource({"disable_insert", "per_tx_limit"})
    void setQueueConfigRefusesDisableInsertAndPerTxLimit(String param) throws SQLException {
        refusesParameter(param);
    }

    private void refusesParameter(String param) throws SQLException {
        sql.execute("select pgq.create_queue('cfg_refused')");
        String before = queueRow("cfg_refused");
        assertThat(sql.error("select pgq.set_queue_config('cfg_refused', ?, '1')", param))
                .startsWith("cannot change parameter \"" + param);
        assertThat(queueRow("cfg_refused")).isEqualTo(before);
    }

    @Test
    void setQueueConfigRejectsNullsAndUnknownQueues() throws SQLException {
        sql.execute("select pgq.create_queue('cfg_nulls')");
        sql.assertSqlError("select pgq.set_queue_config(null, 'ticker_max_count', '1')", "Invalid NULL value");
        sql.assertSqlError("select pgq.set_queue_config('cfg_nulls', null, '1')", "Invalid NULL value");
        sql.assertSqlError("select pgq.set_queue_config('cfg_nosuch', 'ticker_max_count', '1')", "No such event queue");
    }

    /** Our addition to the reference (§9.2 item 10): values are validated, naming the parameter. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            ticker_max_count   | 0
            ticker_max_count   | -5
            ticker_max_count   | abc
            ticker_max_count   | NULL
            ticker_max_lag     | -1 second
            ticker_max_lag     | soon
            ticker_idle_period | -1 minute
            ticker_idle_period | NULL
            rotation_period    | -2 hours
            rotation_period    | often
            ticker_paused      | maybe
            external_ticker    | perhaps
            """)
    void setQueueConfigRejectsBadValuesNamingTheParameterAndChangesNothing(String param, String value)
            throws SQLException {
        sql.execute("select pgq.create_queue('cfg_validated')");
        String before = queueRow("cfg_validated");
        assertThat(sql.error("select pgq.set_queue_config('cfg_validated', ?, ?)", param, value))
                .as("error for %s = %s", param, value)
                .contains(param);
        assertThat(queueRow("cfg_validated")).isEqualTo(before);
    }

    private String queueRow(String queue) throws SQLException {
        return sql.scalar("select q::text from pgq.queue q where queue_name = ?", queue);
    }
}
