package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pgq_reader / pgq_writer / pgq_admin grants (reference §6, test {@code pgq_perms}) and the
 * search_path pinning of SECURITY DEFINER functions against a hijack attempt.
 */
class RolesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    TestDatabase db;
    Sql admin;
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final List<String> roles = new ArrayList<>();
    final List<Sql> sessions = new ArrayList<>();

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        this.db = db;
        admin = Sql.connect(db);
        if (admin.scalar("select 1 from pgq.queue where queue_name = 'roles_q'") == null) {
            admin.createEagerQueue("roles_q");
        }
    }

    @AfterEach
    void close() throws SQLException {
        for (Sql s : sessions) {
            s.close();
        }
        for (String role : roles) {
            admin.execute("drop owned by " + role + " cascade");
            admin.execute("drop role " + role);
        }
        admin.close();
    }

    /** A login-less role that is a member of {@code groups}, and a session running as it. */
    private Sql sessionAs(String kind, String... groups) throws SQLException {
        String role = "t_" + kind + "_" + suffix;
        admin.execute("create role " + role);
        roles.add(role);
        for (String group : groups) {
            admin.execute("grant " + group + " to " + role);
        }
        Sql s = Sql.connect(db);
        sessions.add(s);
        s.execute("set role " + role);
        return s;
    }

    @Test
    void writerCanProduceButNotAdministerOrConsume() throws SQLException {
        Sql writer = sessionAs("writer", "pgq_writer");
        assertThat(writer.scalar("select pgq.insert_event('roles_q', 't', 'by writer') is not null")).isEqualTo("t");
        assertThat(writer.scalar("select pgq.insert_event('roles_q', 't', 'd', '1', '2', '3', '4') is not null")).isEqualTo("t");
        assertThat(writer.scalar("select pgq.current_event_table('roles_q')")).startsWith("pgq.event_");
        assertThat(writer.scalar("select count(*) from pgq.get_queue_info('roles_q')")).isEqualTo("1");

        writer.assertSqlError("select pgq.create_queue('roles_by_writer')", "permission denied for function create_queue");
        writer.assertSqlError("select pgq.register_consumer('roles_q', 'w')", "permission denied for function register_consumer");
        writer.assertSqlError("select pgq.ticker()", "permission denied for function ticker");
        writer.assertSqlError("select pgq.insert_event_raw('roles_q', null, now(), null, null, 't', 'd', null, null, null, null)",
                "permission denied for function insert_event_raw");
        writer.assertSqlError("update pgq.queue set queue_ticker_max_count = 1", "permission denied for table queue");
    }

    @Test
    void readerCanConsumeButNotProduce() throws SQLException {
        Sql reader = sessionAs("reader", "pgq_reader");
        assertThat(reader.scalar("select pgq.register_consumer('roles_q', 'reader_" + suffix + "')")).isEqualTo("1");
        admin.insert("roles_q", "for reader");
        admin.tick("roles_q");
        String consumer = "reader_" + suffix;
        Long batch = reader.nextBatch("roles_q", consumer);
        assertThat(batch).isNotNull();
        assertThat(reader.batchData(batch)).contains("for reader");
        assertThat(reader.scalar("select pgq.event_retry(?, (select max(ev_id) from pgq.get_batch_events(?)), 60)", batch, batch))
                .isEqualTo("1");
        assertThat(reader.scalar("select count(*) from pgq.get_batch_info(?)", batch)).isEqualTo("1");
        assertThat(reader.scalar("select pgq.finish_batch(?)", batch)).isEqualTo("1");
        assertThat(reader.scalar("select pgq.force_tick('roles_q') is not null")).isEqualTo("t");
        assertThat(reader.scalar("select pgq.unregister_consumer('roles_q', ?)", consumer)).isEqualTo("1");

        reader.assertSqlError("select pgq.insert_event('roles_q', 't', 'd')", "permission denied for function insert_event");
        reader.assertSqlError("select pgq.create_queue('roles_by_reader')", "permission denied for function create_queue");
        reader.assertSqlError("select pgq.ticker('roles_q')", "permission denied for function ticker");
        reader.assertSqlError("select * from pgq.retry_queue", "permission denied for table retry_queue");
    }

    @Test
    void adminCanCreateTickAndMaintain() throws SQLException {
        Sql adminRole = sessionAs("admin", "pgq_admin");
        String queue = "roles_admin_" + suffix;
        assertThat(adminRole.scalar("select pgq.create_queue(?)", queue)).isEqualTo("1");
        assertThat(adminRole.scalar("select pgq.set_queue_config(?, 'ticker_max_lag', '0')", queue)).isEqualTo("1");
        assertThat(adminRole.scalar("select pgq.ticker(?)", queue)).isNotNull();
        assertThat(adminRole.scalar("select pgq.ticker() >= 1")).isEqualTo("t");
        assertThat(adminRole.scalar("select pgq.insert_event(?, 't', 'by admin') is not null", queue)).isEqualTo("t");
        assertThat(adminRole.scalar("select pgq.register_consumer(?, 'c')", queue)).isEqualTo("1");
        adminRole.execute("select pgq.maint_retry_events()");
        adminRole.execute("select * from pgq.maint_operations()");
        adminRole.execute("select pgq.maint_rotate_tables_step1(?)", queue);
        adminRole.execute("select pgq.maint_rotate_tables_step2()");
        assertThat(adminRole.scalar("select pgq.drop_queue(?, true)", queue)).isEqualTo("1");
    }

    @Test
    void publicCanOnlyReadInformation() throws SQLException {
        Sql nobody = sessionAs("nobody");
        assertThat(nobody.scalar("select count(*) from pgq.get_queue_info('roles_q')")).isEqualTo("1");
        nobody.execute("select * from pgq.get_consumer_info()");
        assertThat(nobody.scalar("select pgq.quote_fqname('a.b')")).isEqualTo("a.b");
        assertThat(nobody.scalar("select pgq.version()")).startsWith("3.");
        assertThat(nobody.scalar("select pgq.seq_getval(queue_event_seq) is not null from pgq.queue where queue_name = 'roles_q'"))
                .as("event sequences are readable by public").isEqualTo("t");
        nobody.assertSqlError("select pgq.insert_event('roles_q', 't', 'd')", "permission denied for function insert_event");
        nobody.assertSqlError("select pgq.register_consumer('roles_q', 'n')", "permission denied for function register_consumer");
        nobody.assertSqlError("select pgq.seq_setval('pgq.batch_id_seq', 1)", "permission denied for function seq_setval");
        String table = admin.scalar("select pgq.current_event_table('roles_q')");
        nobody.assertSqlError("select * from " + table, "permission denied for table " + table.substring("pgq.".length()));
    }

    /**
     * A reader/writer puts look-alike functions and operators first in its search_path; the SD
     * functions it calls run as their owner and must not pick them up.
     */
    @Test
    void securityDefinerFunctionsIgnoreTheCallersSearchPath() throws SQLException {
        Sql evil = sessionAs("evil", "pgq_reader", "pgq_writer");
        String role = roles.get(roles.size() - 1);
        String schema = "evil_" + suffix;
        admin.execute("create schema " + schema + " authorization " + role);
        evil.execute("create table " + schema + ".hits (who text, what text)");
        evil.execute("grant insert, select on " + schema + ".hits to public");
        String hit = "insert into " + schema + ".hits values (current_user::text, %s)";

        // functions pgq code may call unqualified
        for (String[] f : new String[][] {
                {"now()", "timestamptz", "pg_catalog.now()"},
                {"txid_current()", "bigint", "pg_catalog.txid_current()"},
                {"txid_current_snapshot()", "txid_snapshot", "pg_catalog.txid_current_snapshot()"},
                {"current_setting(a text)", "text", "pg_catalog.current_setting(a)"},
                {"quote_ident(a text)", "text", "pg_catalog.quote_ident(a)"},
                {"nextval(a regclass)", "bigint", "pg_catalog.nextval(a)"},
                {"txid_snapshot_xmin(a txid_snapshot)", "bigint", "pg_catalog.txid_snapshot_xmin(a)"},
                {"txid_snapshot_xmax(a txid_snapshot)", "bigint", "pg_catalog.txid_snapshot_xmax(a)"},
                {"txid_visible_in_snapshot(a bigint, b txid_snapshot)", "boolean", "pg_catalog.txid_visible_in_snapshot(a, b)"}}) {
            evil.execute("create function " + schema + "." + f[0] + " returns " + f[1] + " language plpgsql as $f$ begin "
                    + String.format(hit, "'" + f[0].replace("'", "") + "'") + "; return " + f[2] + "; end $f$");
        }
        // operators on the types pgq compares
        String[][] operators = {
                {"=", "text", "boolean"}, {"=", "integer", "boolean"}, {"=", "bigint", "boolean"},
                {"<>", "text", "boolean"}, {"<", "bigint", "boolean"}, {">", "bigint", "boolean"},
                {"<=", "bigint", "boolean"}, {">=", "bigint", "boolean"}, {"||", "text", "text"}};
        int n = 0;
        for (String[] op : operators) {
            String fn = schema + ".op" + (n++);
            evil.execute("create function " + fn + "(a " + op[1] + ", b " + op[1] + ") returns " + op[2]
                    + " language plpgsql as $f$ begin " + String.format(hit, "'operator " + op[0] + " " + op[1] + "'")
                    + "; return a operator(pg_catalog." + op[0] + ") b; end $f$");
            evil.execute("create operator " + schema + "." + op[0] + " (leftarg = " + op[1] + ", rightarg = " + op[1]
                    + ", function = " + fn + ")");
        }

        // the shadows work for the caller's own queries, so the test can see a hijack
        evil.execute("set search_path = " + schema + ", pg_catalog, public");
        evil.execute("select 'a'::text = 'b'::text, now()");
        evil.execute("reset search_path");
        assertThat(evil.scalar("select count(*) from " + schema + ".hits")).isEqualTo("2");
        evil.execute("delete from " + schema + ".hits");

        String consumer = "evil_" + suffix;
        evil.execute("set search_path = " + schema + ", pg_catalog, public");
        evil.execute("select pgq.insert_event('roles_q', 't', 'd', null, null, null, null)");
        evil.execute("select pgq.register_consumer('roles_q', ?)", consumer);
        evil.execute("select pgq.register_consumer_at('roles_q', ?, null)", consumer);
        evil.execute("reset search_path");
        admin.tick("roles_q");
        evil.execute("set search_path = " + schema + ", pg_catalog, public");
        String batch = evil.scalar("select batch_id from pgq.next_batch_custom('roles_q', ?, null, null, null)", consumer);
        assertThat(batch).isNotNull();
        evil.execute("select pgq.batch_retry(?::bigint, 0)", batch);
        evil.execute("select pgq.get_batch_info(?::bigint)", batch);
        evil.execute("select pgq.finish_batch(?::bigint)", batch);
        evil.execute("select pgq.force_tick('roles_q')");
        evil.execute("select * from pgq.get_consumer_info('roles_q', ?)", consumer);
        evil.execute("select pgq.unregister_consumer('roles_q', ?)", consumer);
        evil.execute("reset search_path");

        assertThat(evil.rows("select who, what from " + schema + ".hits")).as("shadow objects used by SD functions").isEmpty();
    }
}
