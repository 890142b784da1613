package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The triggers' fast paths keep per-table metadata in a per-session cache (pgq._trg_meta_cached,
 * pgq._trg_ddl_watch): DDL in another session, and DDL undone by a rollback to a savepoint, must
 * be seen by the next row. Same-session DDL is covered by p6 of {@link TriggerExpectationsTest}.
 * The cache lives in settings the session can set, so it is trusted only while the trigger runs
 * as the role the session acts as: a value forged by a caller never reaches a trigger that runs
 * under another identity (a SECURITY DEFINER function), see docs/design/trigger-cache.md.
 */
class TriggerCacheTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @BeforeAll
    static void installMock(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(TriggerScript.read("00-mock.sql"));
        }
    }

    @Test
    void ddlInAnotherSessionIsSeenByTheNextRow(TestDatabase db) throws SQLException {
        try (Sql a = Sql.connect(db); Sql b = Sql.connect(db)) {
            assertThat(a.scalar("select evtenabled from pg_event_trigger where evtname = 'pgq_trg_ddl_watch'"))
                    .as("the cache is in use only with the event trigger (installed as superuser)").isEqualTo("A");
            a.execute("create table cache1(id int primary key, amount numeric)");
            a.execute("create trigger tj after insert or update or delete on cache1 for each row execute procedure pgq.jsontriga('q')");
            a.execute("insert into cache1 values (1, 5)");
            b.execute("alter table cache1 alter column amount type int8");
            a.execute("insert into cache1 values (2, 5)");
            b.execute("alter table cache1 drop constraint cache1_pkey, add primary key (amount, id)");
            a.execute("insert into cache1 values (3, 5)");
            b.execute("alter table cache1 rename column amount to \"Amt\"");
            a.execute("update cache1 set \"Amt\" = \"Amt\" where id = 3");
            assertThat(a.rows("select t, d from ev_log where e1 = 'public.cache1' order by id")).containsExactly(
                    List.of("{\"op\":\"INSERT\",\"table\":[\"public\",\"cache1\"],\"pkey\":[\"id\"]}", "{\"id\":1,\"amount\":\"5\"}"),
                    List.of("{\"op\":\"INSERT\",\"table\":[\"public\",\"cache1\"],\"pkey\":[\"id\"]}", "{\"id\":2,\"amount\":5}"),
                    List.of("{\"op\":\"INSERT\",\"table\":[\"public\",\"cache1\"],\"pkey\":[\"amount\",\"id\"]}", "{\"id\":3,\"amount\":5}"),
                    List.of("{\"op\":\"UPDATE\",\"table\":[\"public\",\"cache1\"],\"pkey\":[\"Amt\",\"id\"]}", "{\"id\":3,\"Amt\":5}"));
        }
    }

    @Test
    void ddlRolledBackToASavepointIsForgotten(TestDatabase db) throws SQLException {
        try (Sql a = Sql.connect(db)) {
            a.execute("create table cache2(id int primary key, v text)");
            a.execute("create trigger tj after insert or update or delete on cache2 for each row execute procedure pgq.jsontriga('q')");
            a.begin();
            a.execute("insert into cache2 values (1, 'a')");
            a.execute("savepoint s");
            a.execute("alter table cache2 add column n numeric default 1.0");
            a.execute("insert into cache2 values (2, 'b')");
            assertThat(a.scalar("select d from ev_log order by id desc limit 1")).isEqualTo("{\"id\":2,\"v\":\"b\",\"n\":\"1.0\"}");
            a.execute("rollback to savepoint s");
            a.execute("insert into cache2 values (3, 'c')");
            a.assertSqlError("update cache2 set id = 4 where id = 3", "primary key update not allowed");
            a.commit();
            assertThat(a.column("select d from ev_log where e1 = 'public.cache2' order by id"))
                    .containsExactly("{\"id\":1,\"v\":\"a\"}", "{\"id\":3,\"v\":\"c\"}");
        }
    }

    @Test
    void aForgedCacheIsNotTrustedByATriggerRunningAsAnotherRole(TestDatabase db) throws SQLException {
        String caller = "t_trg_caller_" + UUID.randomUUID().toString().substring(0, 8);
        try (Sql a = Sql.connect(db)) {
            try {
                forgeAndCallAsAnotherRole(a, caller);
            } finally {
                a.execute("reset role");
                a.execute("drop owned by " + caller + " cascade");
                a.execute("drop role " + caller);
            }
        }
    }

    private static void forgeAndCallAsAnotherRole(Sql a, String caller) throws SQLException {
        a.execute("create table sec1(id int primary key, v text)");
        a.execute("create table sec2(id int primary key, v text[])");
        for (String table : List.of("sec1", "sec2")) {
            a.execute("create trigger tl after insert or update or delete on " + table
                    + " for each row execute procedure pgq.logutriga('q')");
            a.execute("create trigger ts after insert or update or delete on " + table
                    + " for each row execute procedure pgq.sqltriga('q')");
            a.execute("create trigger tj after insert or update or delete on " + table
                    + " for each row execute procedure pgq.jsontriga('q')");
        }
        // only the owner writes the tables; a caller may add rows through this function
        a.execute("create function sec_add(i_table text, i_id int) returns void language plpgsql security definer"
                + " set search_path = pg_catalog, public, pg_temp as $$ begin"
                + " execute format('insert into %I (id) values ($1)', i_table) using i_id; end $$");
        a.execute("create role " + caller + " nologin");
        a.execute("revoke all on sec1, sec2 from public");
        a.execute("grant execute on function sec_add(text, int) to " + caller);
        a.execute("grant usage on schema pgq to " + caller);
        a.execute("insert into sec1 values (0, 'warm')");   // fills the cache with true values
        a.execute("insert into sec2 values (0, '{warm}')");

        a.execute("set role " + caller);
        forge(a, "sec1");
        forge(a, "sec2");
        a.execute("select sec_add('sec1', 1)");
        a.execute("select sec_add('sec2', 1)");
        a.execute("reset role");

        assertThat(a.rows("select t, d from ev_log where e1 in ('public.sec1', 'public.sec2') and d like '%1%' order by id"))
                .as("events written by the owner's triggers after the caller forged the cache")
                .containsExactly(
                        List.of("{\"op\":\"INSERT\",\"table\":[\"public\",\"sec1\"],\"pkey\":[\"id\"]}", "{\"id\":1,\"v\":null}"),
                        List.of("I:id", "id=1&v"),
                        List.of("I", "(id,v) values ('1',null)"),
                        List.of("{\"op\":\"INSERT\",\"table\":[\"public\",\"sec2\"],\"pkey\":[\"id\"]}", "{\"id\":1,\"v\":null}"),
                        List.of("I:id", "id=1&v"),
                        List.of("I", "(id,v) values ('1',null)"));

        // the same forged values in a session that writes as itself are its own business:
        // they are used (so the check above is not vacuous), and such a writer could have
        // called pgq.insert_event with any content anyway
        forge(a, "sec1");
        a.execute("insert into sec1 values (2, 'own')");
        assertThat(a.scalar("select t from ev_log where e1 = 'public.sec1' and d like 'id=2%'")).isEqualTo("I:forged");
    }

    /** Stores cache entries claiming the key column "forged", valid for the current DDL counter. */
    private static void forge(Sql a, String table) throws SQLException {
        String key = "pg_sequence_last_value('pgq._trg_ddl_seq')::text || coalesce(current_setting('pgq.trg_ddl_local', true), '')";
        a.execute("select set_config('pgq.trg_r' || '" + table + "'::regclass::oid, "
                + "array[" + key + ", 'f', 'tt', 'xx', 'rr', null, null, null, null, null, null, null, 'forged']::text, false)");
        a.execute("select set_config('pgq.trg_j' || '" + table + "'::regclass::oid, "
                + "array[" + key + ", 'r', '[\"forged\"]', null, 'forged']::text, false)");
    }
}
