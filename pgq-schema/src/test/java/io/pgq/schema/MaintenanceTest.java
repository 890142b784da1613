package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rotation (§1.2), maint_tables_to_vacuum, maint_operations, upgrade_schema, grant_perms,
 * tune_storage, seq_getval/seq_setval and quote_fqname (§2.8).
 */
class MaintenanceTest extends SchemaTestCase {

    static final List<String> VACUUM_TABLES = List.of("pgq.subscription", "pgq.consumer", "pgq.queue", "pgq.tick",
            "pgq.retry_queue");


    @BeforeEach
    void startWithoutQueues() throws SQLException {
        // maint_operations and step2 work on all queues: start each test without queues
        dropAllQueues();
    }

    @Test
    void rotationSwitchesTablesInTwoStepsAndTruncatesTheReusedTable() throws SQLException {
        sql.createEagerQueue("m_rot");
        sql.execute("select pgq.set_queue_config('m_rot', 'rotation_period', '0')");
        String pfx = "pgq.event_" + sql.queueId("m_rot");
        sql.insert("m_rot", "in-0");

        sql.begin();
        assertThat(sql.scalar("select pgq.maint_rotate_tables_step1('m_rot')")).isEqualTo("0");
        String step1Txid = sql.scalar("select txid_current()::text");
        String step1Time = sql.scalar("select current_timestamp::text");
        sql.commit();
        assertThat(sql.record("select queue_cur_table, queue_switch_step1::text, queue_switch_step2, queue_switch_time::text"
                + " from pgq.queue where queue_name = 'm_rot'")).containsEntry("queue_cur_table", "1")
                .containsEntry("queue_switch_step1", step1Txid).containsEntry("queue_switch_step2", null)
                .containsEntry("queue_switch_time", step1Time);
        sql.insert("m_rot", "in-1");
        assertThat(sql.scalar("select count(*) from " + pfx + "_1")).isEqualTo("1");

        sql.execute("select pgq.maint_rotate_tables_step1('m_rot')");
        assertThat(curTable("m_rot")).as("no rotation while step2 is pending").isEqualTo(1);

        sql.begin();
        assertThat(sql.scalar("select pgq.maint_rotate_tables_step2()")).isEqualTo("0");
        String step2Txid = sql.scalar("select txid_current()::text");
        sql.commit();
        assertThat(sql.scalar("select queue_switch_step2::text from pgq.queue where queue_name = 'm_rot'")).isEqualTo(step2Txid);

        rotate("m_rot");
        assertThat(curTable("m_rot")).isEqualTo(2);
        sql.insert("m_rot", "in-2");
        rotate("m_rot");
        assertThat(curTable("m_rot")).as("wraps around").isEqualTo(0);
        assertThat(sql.column("select ev_data from " + pfx + " order by ev_id")).as("table 0 was truncated")
                .containsExactly("in-1", "in-2");
    }

    @Test
    void rotationWaitsForTheSlowestConsumerToPassTheLastSwitch() throws SQLException {
        sql.createEagerQueue("m_lag");
        sql.execute("select pgq.set_queue_config('m_lag', 'rotation_period', '0')");
        sql.execute("select pgq.register_consumer('m_lag', 'fast')");
        sql.execute("select pgq.register_consumer('m_lag', 'slow')");

        rotate("m_lag");
        assertThat(curTable("m_lag")).as("consumers sit on the first tick, taken before the last step2").isEqualTo(0);

        sql.tick("m_lag");
        sql.consume("m_lag", "fast");
        rotate("m_lag");
        assertThat(curTable("m_lag")).as("slow consumer still behind").isEqualTo(0);

        sql.consume("m_lag", "slow");
        rotate("m_lag");
        assertThat(curTable("m_lag")).isEqualTo(1);

        rotate("m_lag");
        assertThat(curTable("m_lag")).as("both positions were taken before the last step2").isEqualTo(1);
        sql.tick("m_lag");
        sql.consume("m_lag", "fast");
        sql.consume("m_lag", "slow");
        rotate("m_lag");
        assertThat(curTable("m_lag")).isEqualTo(2);
    }

    @Test
    void rotationRespectsTheRotationPeriod() throws SQLException {
        sql.createEagerQueue("m_period");
        rotate("m_period");
        assertThat(curTable("m_period")).as("default period 2 hours").isEqualTo(0);
        sql.execute("select pgq.set_queue_config('m_period', 'rotation_period', '1 hour')");
        sql.execute("update pgq.queue set queue_switch_time = now() - interval '61 minutes' where queue_name = 'm_period'");
        rotate("m_period");
        assertThat(curTable("m_period")).isEqualTo(1);
    }

    @Test
    void rotationDeletesTicksOlderThanThePreviousSwitch() throws SQLException {
        sql.createEagerQueue("m_ticks");
        sql.execute("select pgq.set_queue_config('m_ticks', 'rotation_period', '0')");
        long qid = sql.queueId("m_ticks");
        sql.tick("m_ticks");
        sql.tick("m_ticks"); // ticks 1..3 before the first rotation

        rotate("m_ticks");
        assertThat(ticks(qid)).as("kept for one more rotation").contains("2", "3");
        long after = sql.tick("m_ticks");

        rotate("m_ticks");
        assertThat(ticks(qid)).as("ticks before the first rotation's step2 are gone").containsExactly(String.valueOf(after));
    }

    @Test
    void maintTablesToVacuumListsMetadataTablesOnlyWithoutAutovacuum() throws SQLException {
        List<String> tables = sql.column("select * from pgq.maint_tables_to_vacuum()");
        if ("on".equals(sql.scalar("show autovacuum"))) {
            assertThat(tables).isEmpty();
        } else {
            assertThat(tables).isEqualTo(VACUUM_TABLES);
        }
    }

    @Test
    void maintOperationsListsRotationExtraMaintenanceAndVacuumInOrder() throws SQLException {
        sql.execute("select pgq.create_queue('m_ops_b')");
        sql.execute("select pgq.create_queue('m_ops_a')");
        sql.execute("select pgq.create_queue('m_ops_not_due')");
        sql.execute("select pgq.set_queue_config(q, 'rotation_period', '0') from unnest(array['m_ops_a', 'm_ops_b']) q");
        sql.execute("update pgq.queue set queue_extra_maint = array['my.maint_one', 'my.maint_two'] where queue_name = 'm_ops_b'");
        assertThat(sql.columnLabels("select * from pgq.maint_operations()")).containsExactly("func_name", "func_arg");

        List<List<String>> expected = new ArrayList<>(List.of(
                List.of("pgq.maint_rotate_tables_step1", "m_ops_a"),
                List.of("pgq.maint_rotate_tables_step1", "m_ops_b"),
                Arrays.asList("pgq.maint_rotate_tables_step2", null),
                List.of("my.maint_one", "m_ops_b"),
                List.of("my.maint_two", "m_ops_b")));
        for (String table : sql.column("select * from pgq.maint_tables_to_vacuum()")) {
            expected.add(List.of("vacuum", table));
        }
        assertThat(sql.rows("select * from pgq.maint_operations()")).isEqualTo(expected);

        sql.execute("select pgq.maint_rotate_tables_step1('m_ops_a')");
        expected.remove(0);
        assertThat(sql.rows("select * from pgq.maint_operations()")).as("step2 pending for m_ops_a").isEqualTo(expected);

        sql.execute("select pgq.maint_rotate_tables_step2()");
        sql.execute("update pgq.queue set queue_rotation_period = '2 hours'");
        assertThat(sql.rows("select * from pgq.maint_operations()")).as("nothing due")
                .isEqualTo(expected.subList(2, expected.size()));
    }

    @Test
    void upgradeSchemaIsIdempotentAndReturnsZero() throws SQLException {
        assertThat(sql.scalar("select pgq.upgrade_schema()")).isEqualTo("0");
        assertThat(sql.scalar("select pgq.upgrade_schema()")).isEqualTo("0");
        assertThat(sql.column("select rolname from pg_roles where rolname like 'pgq\\_%' order by 1"))
                .contains("pgq_admin", "pgq_reader", "pgq_writer");
        assertThat(sql.scalar("select pg_has_role('pgq_admin', 'pgq_reader', 'member') and pg_has_role('pgq_admin', 'pgq_writer', 'member')"))
                .isEqualTo("t");
        assertThat(sql.scalar("select attnotnull from pg_attribute where attrelid = 'pgq.subscription'::regclass"
                + " and attname = 'sub_last_tick'")).isEqualTo("f");
    }

    @Test
    void grantPermsCopiesTheTemplatePrivilegesToEveryEventTable() throws SQLException {
        String role = "t_grant_" + UUID.randomUUID().toString().substring(0, 8);
        sql.execute("create role " + role);
        try {
            sql.execute("select pgq.create_queue('m_grants')");
            String pfx = "pgq.event_" + sql.queueId("m_grants");
            sql.execute("grant select on pgq.event_template to " + role + " with grant option");
            assertThat(sql.scalar("select pgq.grant_perms('m_grants')")).isEqualTo("1");

            for (String table : List.of(pfx, pfx + "_0", pfx + "_1", pfx + "_2")) {
                assertThat(sql.scalar("select has_table_privilege(?, ?, 'SELECT WITH GRANT OPTION')", role, table))
                        .as("copied grant on %s", table).isEqualTo("t");
                assertThat(sql.scalar("select has_table_privilege(?, ?, 'INSERT')", role, table)).isEqualTo("f");
                assertThat(sql.scalar("select has_table_privilege('pgq_reader', ?, 'SELECT')", table)).isEqualTo("t");
                assertThat(sql.scalar("select has_table_privilege('pgq_admin', ?, 'INSERT')"
                        + " and has_table_privilege('pgq_admin', ?, 'TRUNCATE')", table, table)).isEqualTo("t");
            }
            assertThat(sql.scalar("select has_sequence_privilege(?, ?, 'SELECT') and has_sequence_privilege(?, ?, 'SELECT')",
                    role, pfx + "_id_seq", role, pfx + "_tick_seq")).as("sequences readable by public").isEqualTo("t");
            assertThat(sql.scalar("select has_sequence_privilege('pgq_admin', ?, 'USAGE')", pfx + "_id_seq")).isEqualTo("t");
            sql.assertSqlError("select pgq.grant_perms('m_nosuch')", "Queue not found");
        } finally {
            sql.execute("drop owned by " + role);
            sql.execute("drop role " + role);
        }
    }

    @Test
    void tuneStorageSetsFillfactorAndSwitchesAutovacuumOffOnDataTables() throws SQLException {
        sql.execute("select pgq.create_queue('m_tune')");
        String pfx = "pgq.event_" + sql.queueId("m_tune");
        assertThat(sql.scalar("select pgq.tune_storage('m_tune')")).isEqualTo("1");
        for (int i = 0; i < 3; i++) {
            String table = pfx + "_" + i;
            List<String> options = sql.column("select unnest(reloptions) from pg_class where oid = ?::regclass", table);
            assertThat(options).as("reloptions of %s", table).contains("fillfactor=100")
                    .containsAnyOf("autovacuum_enabled=off", "autovacuum_enabled=false");
            List<String> toast = sql.column("select unnest(t.reloptions) from pg_class c join pg_class t on t.oid = c.reltoastrelid"
                    + " where c.oid = ?::regclass", table);
            assertThat(toast).as("toast reloptions of %s", table).containsAnyOf("autovacuum_enabled=off", "autovacuum_enabled=false");
        }
        assertThat(sql.scalar("select pgq.tune_storage('m_nosuch')")).isEqualTo("0");
        assertThat(sql.scalar("select pgq.tune_storage(null)")).isNull();
    }

    @Test
    void seqGetvalReadsWithoutAdvancingAndSeqSetvalNeverGoesBack() throws SQLException {
        sql.execute("create sequence if not exists public.m_seq");
        sql.execute("create schema if not exists \"Odd Schema\"");
        sql.execute("create sequence if not exists \"Odd Schema\".\"Odd Seq\"");
        assertThat(sql.scalar("select pgq.seq_getval('public.m_seq')")).as("fresh").isEqualTo("1");
        assertThat(sql.scalar("select pgq.seq_getval('m_seq')")).as("default schema public").isEqualTo("1");
        sql.execute("select nextval('public.m_seq'), nextval('public.m_seq')");
        assertThat(sql.scalar("select pgq.seq_getval('m_seq')")).isEqualTo("2");
        assertThat(sql.scalar("select pgq.seq_getval('m_seq')")).isEqualTo("2");

        assertThat(sql.scalar("select pgq.seq_setval('m_seq', 10)")).isEqualTo("10");
        assertThat(sql.scalar("select pgq.seq_setval('public.m_seq', 5)")).as("never backwards").isEqualTo("10");
        assertThat(sql.scalar("select nextval('public.m_seq')")).isEqualTo("11");
        assertThat(sql.scalar("select pgq.seq_setval('Odd Schema.Odd Seq', 7)")).isEqualTo("7");
        assertThat(sql.scalar("select pgq.seq_getval('Odd Schema.Odd Seq')")).isEqualTo("7");
        assertThat(sql.scalar("select pgq.seq_getval(null)")).isNull();
        assertThat(sql.scalar("select pgq.seq_setval(null, 1)")).isNull();
    }

    @Test
    void quoteFqnameQuotesBothPartsAndDefaultsToPublic() throws SQLException {
        assertThat(sql.rows("select pgq.quote_fqname('a.B'), pgq.quote_fqname('x'), pgq.quote_fqname('My Schema.t'),"
                + " pgq.quote_fqname('a.b.c'), pgq.quote_fqname(null)"))
                .containsExactly(Arrays.asList("a.\"B\"", "public.x", "\"My Schema\".t", "a.\"b.c\"", null));
    }

    private int curTable(String queue) throws SQLException {
        return (int) sql.scalarLong("select queue_cur_table from pgq.queue where queue_name = ?", queue);
    }

    /** Step 1 and step 2 in separate transactions, as pgqd runs them. */
    private void rotate(String queue) throws SQLException {
        sql.execute("select pgq.maint_rotate_tables_step1(?)", queue);
        sql.execute("select pgq.maint_rotate_tables_step2()");
    }

    private List<String> ticks(long queueId) throws SQLException {
        return sql.column("select tick_id from pgq.tick where tick_queue = ? order by tick_id", queueId);
    }
}
