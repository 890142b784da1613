package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code pgq_writer} can only cause what {@code pgq.insert_event} does: the events it passed, into
 * the queue it named, with ids taken from that queue's sequence for those events, subject to
 * {@code queue_disable_insert} and {@code queue_per_tx_limit}. Every test runs as a writer that
 * rewrites the session and transaction settings the insert path reads or once read (the insert
 * buffer's {@code pgq.ib*}, the transaction's {@code pgq.insert_cache_*}, the session's
 * {@code pgq.sc_*}), calls internal functions, plays with savepoints and {@code SET CONSTRAINTS},
 * and then checks that the victim queues got nothing, their sequences did not move, and the
 * writer's own queue holds exactly the events it was told about, in its current table.
 */
class InsertSecurityTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    TestDatabase db;
    Sql admin;
    Sql writer;
    String writerRole;
    String own;
    /** An ordinary queue the writer never names. */
    String open;
    /** A queue whose inserts are disabled. */
    String closed;
    final Map<String, String> victimSequences = new LinkedHashMap<>();

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        this.db = db;
        admin = Sql.connect(db);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        own = "sec_own_" + suffix;
        open = "sec_open_" + suffix;
        closed = "sec_closed_" + suffix;
        for (String q : List.of(own, open, closed)) {
            admin.createEagerQueue(q);
        }
        admin.execute("update pgq.queue set queue_disable_insert = true where queue_name = ?", closed);
        for (String q : List.of(open, closed)) {
            victimSequences.put(q, admin.scalar("select queue_event_seq from pgq.queue where queue_name = ?", q));
        }
        writerRole = "t_sec_w_" + suffix;
        admin.execute("create role " + writerRole);
        admin.execute("grant pgq_writer to " + writerRole);
        writer = Sql.connect(db);
        writer.execute("set role " + writerRole);
    }

    @AfterEach
    void close() throws SQLException {
        writer.close();
        admin.execute("drop owned by " + writerRole + " cascade");
        admin.execute("drop role " + writerRole);
        admin.close();
    }

    @Test
    void theReportedAttackOnTheInsertBufferWritesNothingForged() throws SQLException {
        writer.begin();
        List<String> ids = writer.column("select pgq.insert_event(?, 't', 'e' || i) from generate_series(1, 5) i", own);
        tryForge("pgq.ib_slot", String.valueOf(admin.queueId(closed) * 1024), true);
        writer.execute("select set_config('pgq.ib0', coalesce(current_setting('pgq.ib0', true), '')"
                + " || '999999999' || E'\\x1f' || 'forged' || E'\\x1f' || 'payload' || E'\\x1e', true)");
        writer.commit();

        assertOnlyOwnEvents(ids);
        assertThat(admin.scalar("select count(*) from pgq.event_template where ev_id = 999999999")).isEqualTo("0");
    }

    @Test
    void forgedBufferAndTransactionCacheSettingsChangeNothing() throws SQLException {
        writer.begin();
        List<String> ids = new ArrayList<>(writer.column("select pgq.insert_event(?, 't', 'a' || i) from generate_series(1, 6) i", own));
        forgeBufferAndTransactionCache();
        ids.addAll(writer.column("select pgq.insert_event(?, 't', 'b' || i) from generate_series(1, 10) i", own));
        writer.execute("savepoint s");
        forgeBufferAndTransactionCache();
        writer.column("select pgq.insert_event(?, 't', 'rolled back ' || i) from generate_series(1, 10) i", own);
        writer.execute("rollback to savepoint s");
        writer.execute("set constraints all immediate");
        forgeBufferAndTransactionCache();
        ids.addAll(writer.column("select pgq.insert_event(?, 't', 'c' || i, 'x', null, null, null) from generate_series(1, 10) i", own));
        writer.execute("set constraints all deferred");
        forgeBufferAndTransactionCache();
        writer.commit();

        assertOnlyOwnEvents(ids);
    }

    @Test
    void aSessionCachePointedAtAnotherQueueIsNotUsed() throws SQLException {
        List<String> ids = new ArrayList<>(writer.column("select pgq.insert_event(?, 't', 'first')", own));
        String layout = writer.scalar("select coalesce(pg_sequence_last_value('pgq.insert_layout_seq'), 0)::text");
        String setting = cacheSetting(own);
        for (String slot : List.of(String.valueOf(admin.queueId(open) * 1024), String.valueOf(admin.queueId(closed) * 1024))) {
            writer.execute("select set_config(?, md5(? || ':' || ? || ':' || ?) || ':' || ?, false)", setting, layout, own, slot, slot);
            ids.add(writer.scalar("select pgq.insert_event(?, 't', 'after forging the slot')", own));
            writer.execute("select set_config(?, md5(random()::text) || ':' || ?, false)", setting, slot);
            ids.add(writer.scalar("select pgq.insert_event(?, 't', 'after forging the whole entry')", own));
        }
        assertOnlyOwnEvents(ids);
    }

    @Test
    void theSignedCacheOfOneQueueDoesNotServeAnother() throws SQLException {
        String other = own + "_b";
        admin.createEagerQueue(other);
        List<String> otherIds = new ArrayList<>(writer.column("select pgq.insert_event(?, 't', 'other')", other));
        String signed = writer.scalar("select current_setting(?)", cacheSetting(other));
        assertThat(signed).matches("[0-9a-f]{32}:[0-9]+");
        String signature = signed.substring(0, 33);
        long otherSlot = Long.parseLong(signed.substring(33));
        List<String> ids = new ArrayList<>();
        for (String entry : List.of(signed, signature + (otherSlot + 1), signature + admin.queueId(own) * 1024)) {
            writer.execute("select set_config(?, ?, false)", cacheSetting(own), entry);
            ids.add(writer.scalar("select pgq.insert_event(?, 't', 'named own')", own));
        }
        assertOnlyOwnEvents(ids);
        assertThat(admin.column("select ev_id::text as id from pgq.event_" + admin.queueId(other) + " order by ev_id"))
                .containsExactlyElementsOf(otherIds);
    }

    @Test
    void aSignedCacheFromBeforeARotationIsNotReplayed() throws SQLException {
        List<String> ids = new ArrayList<>(writer.column("select pgq.insert_event(?, 't', 'before')", own));
        String before = writer.scalar("select current_setting(?)", cacheSetting(own));
        admin.execute("select pgq.set_queue_config(?, 'rotation_period', '0')", own);
        admin.execute("select pgq.maint_rotate_tables_step2()");
        assertThat(admin.scalar("select pgq.maint_rotate_tables_step1(?)", own)).isEqualTo("0");
        admin.execute("select pgq.maint_rotate_tables_step2()");

        for (int round = 0; round < 2; round++) {
            writer.execute("select set_config(?, ?, false)", cacheSetting(own), before);
            ids.add(writer.scalar("select pgq.insert_event(?, 't', 'after rotation')", own));
        }
        String current = admin.scalar("select pgq.current_event_table(?)", own);
        assertThat(admin.column("select ev_data from " + current + " order by ev_id"))
                .as("the events after the rotation, in the new table").containsExactly("after rotation", "after rotation");
        assertOnlyOwnEvents(ids, false);
    }

    @Test
    void theInternalFunctionsAreNotTheWritersToCall() throws SQLException {
        assertThat(admin.column("select p.oid::regprocedure::text from pg_proc p"
                + " where p.pronamespace in ('pgq'::regnamespace, 'pgq_coop'::regnamespace) and p.prosecdef"
                + "   and has_function_privilege(?, p.oid, 'EXECUTE') order by 1", writerRole))
                .as("SECURITY DEFINER functions a writer may execute")
                .containsExactlyInAnyOrder("pgq._share_lock_queue(text)",
                        "pgq.get_consumer_info()", "pgq.get_consumer_info(text)", "pgq.get_consumer_info(text,text)",
                        "pgq.insert_event(text,text,text)", "pgq.insert_event(text,text,text,text,text,text,text)",
                        "pgq.insert_events(text,text[],text[],text[],text[],text[],text[])");
        long slot = admin.queueId(closed) * 1024;
        for (String call : List.of(
                "select pgq._insert_buffer_spill(1)",
                "select pgq._insert_event(?, 't', 'd', null, null, null, null, current_user)",
                "select pgq._insert_event_static(" + slot + ", 999999999, now(), null, null, 't', 'd', null, null, null, null, true)",
                "select pgq._insert_event_fast_b0(" + slot + ", 't', 'd', null, null, null, null)",
                "select pgq._insert_event_dynamic(" + admin.queueId(closed) + ", 0, 999999999, now(), null, null, 't', 'd', null, null, null, null)",
                "select pgq._insert_event_slow(?, 999999999, now(), null, null, 't', 'd', null, null, null, null)",
                "select pgq.insert_event_raw(?, 999999999, now(), null, null, 't', 'd', null, null, null, null)")) {
            String message = call.contains("?") ? writer.error(call, closed) : writer.error(call);
            assertThat(message).as(call).matches("permission denied for function .*|function .* does not exist");
        }
        assertOnlyOwnEvents(List.of());
    }

    @Test
    void theKeyAndTheVictimsSequencesAreOutOfReach() throws SQLException {
        for (String key : List.of("pgq.insert_key_a", "pgq.insert_key_b")) {
            assertThat(writer.error("select pg_sequence_last_value(?::regclass)", key)).startsWith("permission denied");
            assertThat(writer.error("select last_value from " + key)).startsWith("permission denied");
        }
        for (String seq : victimSequences.values()) {
            assertThat(writer.error("select nextval(?::regclass)", seq)).startsWith("permission denied");
        }
        assertOnlyOwnEvents(List.of());
    }

    @Test
    void thePerTransactionLimitCannotBeReset() throws SQLException {
        admin.execute("update pgq.queue set queue_per_tx_limit = 3 where queue_name = ?", own);
        String over = "Queue '" + own + "' allows max 3 events from one TX";
        long id = admin.queueId(own);
        writer.begin();
        List<String> ids = new ArrayList<>(writer.column("select pgq.insert_event(?, 't', 'e' || i) from generate_series(1, 2) i", own));
        writer.execute("savepoint s");
        writer.execute("select pgq.insert_event(?, 't', 'rolled back')", own);
        writer.execute("rollback to savepoint s");
        ids.add(writer.scalar("select pgq.insert_event(?, 't', 'third')", own));
        writer.execute("select set_config('pgq.tx_events_" + id + "', '0', true), set_config('pgq.tx_events_" + id + "', '-100', false)");
        writer.assertSqlError("select pgq.insert_event(?, 't', 'fourth')", over, own);
        writer.execute("select set_config('pgq.tx_events_" + id + "', '0', true)");
        writer.assertSqlError("select pgq.insert_event(?, 't', 'fourth', null, null, null, null)", over, own);
        writer.commit();
        assertThat(admin.column("select ev_id::text as id from pgq.event_" + id + " order by ev_id")).containsExactlyElementsOf(ids);
    }

    @Test
    void theCallersSearchPathAndTemporaryObjectsDoNotReachTheInsertPath() throws SQLException {
        String schema = "t_sec_evil_" + UUID.randomUUID().toString().substring(0, 8);
        long victimSlot = admin.queueId(open) * 1024;
        admin.execute("create schema " + schema);
        admin.execute("create function " + schema + ".md5(text) returns text language sql as $$ select 'forged' $$");
        admin.execute("create function " + schema + ".current_setting(text, boolean) returns text language sql"
                + " as $$ select pg_catalog.current_setting($1, $2) $$");
        admin.execute("create function " + schema + ".hashtext(text) returns int language sql as $$ select 0 $$");
        admin.execute("grant usage on schema " + schema + " to " + writerRole);
        try {
            List<String> ids = new ArrayList<>(writer.column("select pgq.insert_event(?, 't', 'first')", own));
            writer.execute("create temp table queue (queue_name text, queue_id int, queue_cur_table int)");
            writer.execute("insert into queue values (?, ?, 0)", own, admin.queueId(open));
            writer.execute("set search_path = " + schema + ", pg_temp, pgq, pg_catalog");
            writer.execute("select pg_catalog.set_config(?, 'forged:' || ?, false), pg_catalog.set_config('pgq.sc_0', 'forged:' || ?, false)",
                    cacheSetting(own), String.valueOf(victimSlot), String.valueOf(victimSlot));
            ids.add(writer.scalar("select pgq.insert_event(?, 't', 'second')", own));
            ids.add(writer.scalar("select pgq.insert_event(?, 't', 'third', null, null, null, null)", own));
            assertOnlyOwnEvents(ids);
        } finally {
            writer.execute("reset search_path");
            admin.execute("drop schema " + schema + " cascade");
        }
    }

    /** Sets every buffer and transaction-cache setting of the insert path, old and new, to point at the victims. */
    private void forgeBufferAndTransactionCache() throws SQLException {
        long closedSlot = admin.queueId(closed) * 1024;
        long openSlot = admin.queueId(open) * 1024;
        String seqOid = admin.scalar("select ?::regclass::oid::text", victimSequences.get(open));
        String row = "999999999\u001fforged\u001fpayload\u001e";
        tryForge("pgq.ib_slot", String.valueOf(closedSlot), true);
        tryForge("pgq.ib_seq", seqOid, true);
        tryForge("pgq.ib_inline", own, true);
        tryForge("pgq.ib_name", "#" + own, true);
        tryForge("pgq.ib_arm", "(0,1)", true);
        tryForge("pgq.ib_n", "100", true);
        tryForge("pgq.ib_x", "", true);
        tryForge("pgq.ib_fired", "", true);
        for (int i = 0; i < 10; i++) {
            tryForge("pgq.ib" + i, row, true);
        }
        tryForge("pgq.insert_cache_name", "#" + own, true);
        tryForge("pgq.insert_cache_slot", String.valueOf(openSlot), true);
        tryForge("pgq.sc_slot", String.valueOf(openSlot), false);
        tryForge(cacheSetting(own), "0123456789abcdef0123456789abcdef:" + openSlot, false);
    }

    /** The session setting in which {@code pgq.insert_event} keeps its cached slot for {@code queue}. */
    private String cacheSetting(String queue) throws SQLException {
        return admin.scalar("select 'pgq.sc_' || (hashtext(?) & 255)", queue);
    }

    private void tryForge(String name, String value, boolean local) throws SQLException {
        writer.execute("select set_config(?, ?, ?)", name, value, local);
    }

    /**
     * The victim queues are empty and their sequences untouched; the writer's queue holds exactly
     * {@code ids}, each once, all in the current table.
     */
    private void assertOnlyOwnEvents(List<String> ids) throws SQLException {
        assertOnlyOwnEvents(ids, true);
    }

    private void assertOnlyOwnEvents(List<String> ids, boolean allInCurrentTable) throws SQLException {
        for (String victim : List.of(open, closed)) {
            assertThat(admin.scalar("select count(*) from pgq.event_" + admin.queueId(victim)))
                    .as("events in victim queue %s", victim).isEqualTo("0");
            assertThat(admin.scalar("select is_called::text from " + victimSequences.get(victim)))
                    .as("ids taken from the sequence of victim queue %s", victim).isEqualTo("false");
        }
        long ownId = admin.queueId(own);
        assertThat(admin.column("select ev_id::text as id from pgq.event_" + ownId + " order by ev_id"))
                .as("events of the writer's queue").containsExactlyElementsOf(ids);
        if (allInCurrentTable) {
            assertThat(admin.scalar("select count(*) from pgq.event_" + ownId + " where tableoid <> pgq.current_event_table(?)::regclass",
                    own)).as("events outside the current table").isEqualTo("0");
        }
        if (!ids.isEmpty()) {
            assertThat(admin.scalarLong("select last_value from " + sequenceOf(own)))
                    .as("the last id of the writer's sequence").isEqualTo(Long.parseLong(ids.get(ids.size() - 1)));
        }
    }

    private String sequenceOf(String queue) throws SQLException {
        return admin.scalar("select queue_event_seq from pgq.queue where queue_name = ?", queue);
    }
}
