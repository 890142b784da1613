package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The jsontriga fast path keeps per-table metadata in a per-session cache (pgq._trg_json_meta,
 * pgq._trg_ddl_watch): DDL in another session, and DDL undone by a rollback to a savepoint, must
 * be seen by the next row. Same-session DDL is covered by p6 of {@link TriggerExpectationsTest}.
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
}
