package io.pgq.ticker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import io.pgq.testing.internal.DatabaseFactory;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real sessions of a real database: what a look at them sees (the ticker's own session excepted). */
class SessionWatchTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("plain", ds -> { });

    @Test
    void quietOnlyWhileNoOtherSessionOfTheDatabaseDidAnything(TestDatabase db) throws Exception {
        TestDatabase other = DatabaseFactory.instance().create("SessionWatchOther");
        try {
            looks(db, other);
        } finally {
            DatabaseFactory.instance().drop(other);
        }
    }

    /** Looks up to {@code looks} times, 20 ms apart, until one is quiet. */
    private static boolean quietWithin(SessionWatch w, Connection own, int looks) throws Exception {
        for (int i = 0; i < looks; i++) {
            if (w.look(own).quiet()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static void looks(TestDatabase db, TestDatabase other) throws Exception {
        SessionWatch w = new SessionWatch();
        try (Connection own = db.connect(); Connection idle = db.connect(); Connection elsewhere = other.connect()) {
            execute(idle, "CREATE TABLE t (x int)");
            execute(own, "SELECT 1");           // a new session is counted (sessions) by its first statement
            assertThat(w.look(own).quiet()).as("first look").isFalse();
            assertThat(w.look(own).quiet()).as("nothing since").isTrue();
            execute(own, "INSERT INTO t VALUES (0)");
            assertThat(w.look(own).quiet()).as("the watching session's own statements").isTrue();

            execute(idle, "INSERT INTO t VALUES (1)");
            assertThat(w.look(own).quiet()).as("another session ran a statement").isFalse();
            assertThat(w.look(own).quiet()).as("and then nothing").isTrue();

            execute(elsewhere, "CREATE TABLE u AS SELECT 1 AS x");
            assertThat(w.look(own).quiet()).as("a session of another database").isTrue();

            try (Connection passing = db.connect()) {
                execute(passing, "INSERT INTO t VALUES (2)");
            }
            assertThat(w.look(own).quiet()).as("a session came, wrote and went between two looks").isFalse();
            assertThat(quietWithin(w, own, 100)).as("quiet again once the closed session's backend has exited"
                    + " (it leaves asynchronously after the client closed)").isTrue();

            idle.setAutoCommit(false);
            execute(idle, "INSERT INTO t VALUES (3)");
            assertThat(w.look(own).quiet()).as("in a transaction").isFalse();
            assertThat(w.look(own).quiet()).as("still in it").isFalse();
            idle.commit();
            assertThat(w.look(own).quiet()).as("committed since").isFalse();
            assertThat(w.look(own).quiet()).isTrue();

            w.reset();
            assertThat(w.look(own).quiet()).as("after a reset").isFalse();
        }
    }

    private static void execute(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
