package io.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.codahale.metrics.MetricRegistry;
import io.pgq.testing.ServerKind;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ticker can replace pgqd: it ticks, rotates and moves retries on the reference PgQ extension
 * (Debian postgresql-15-pgq3) when that is installed on the server at PGQ_REFERENCE_JDBC_URL
 * (default: the local PostgreSQL at 127.0.0.1:5432); skipped otherwise.
 */
class ReferenceTickerTest {

    static final String SERVER = System.getenv().getOrDefault("PGQ_REFERENCE_JDBC_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    static final String DB = "pgqref_ticker_" + ProcessHandle.current().pid();
    static TestDatabase db;

    @BeforeAll
    static void createReferenceDatabase() {
        try (Connection c = DriverManager.getConnection(SERVER); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'pgq'")) {
                assumeTrue(rs.next(), "the reference PgQ extension is not installed on " + SERVER
                        + " (Debian package postgresql-15-pgq3): skipping the reference ticker test");
            }
            st.execute("CREATE DATABASE " + DB);
        } catch (SQLException e) {
            assumeTrue(false, "no reference server at " + SERVER + " (" + e.getMessage() + "): skipping");
        }
        String url = SERVER.replaceFirst("/[^/?]*(\\?|$)", "/" + DB + "$1");
        db = new TestDatabase(DB, url, null, null, ServerKind.EXTERNAL);
        Db.execute(db, "CREATE EXTENSION pgq");
    }

    @AfterAll
    static void dropReferenceDatabase() throws SQLException {
        if (db != null) {
            try (Connection c = DriverManager.getConnection(SERVER); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            }
        }
    }

    @Test
    void ticksRotatesAndMovesRetriesOnTheReferenceExtension() {
        assertThat(Db.scalar(db, "SELECT extversion FROM pg_extension WHERE extname = 'pgq'")).startsWith("3.");
        Db.execute(db, "SELECT pgq.create_queue('rot')", "SELECT pgq.register_consumer('rot', 'c')",
                "SELECT pgq.set_queue_config('rot', 'rotation_period', '0')",
                "SELECT pgq.set_queue_config('rot', 'ticker_max_lag', '0')");
        try (Ticker ticker = Ticker.builder("reference", db.dataSource()).config(TickerTest.fast()).metrics(new MetricRegistry()).build()) {
            ticker.start();
            await().atMost(Db.WAIT).until(ticker::isLeader);
            Db.execute(db, "SELECT pgq.insert_event('rot', 't', 'retry me')");
            long batch = TickerTest.awaitBatchWithEvents(db, "rot");
            Db.retryNowAndFinish(db, batch);
            long again = TickerTest.awaitBatchWithEvents(db, "rot");
            assertThat(Db.scalar(db, "SELECT ev_retry || ':' || ev_data FROM pgq.get_batch_events(" + again + ")"))
                    .isEqualTo("1:retry me");
            Db.execute(db, "SELECT pgq.finish_batch(" + again + ")");
            String table = Db.scalar(db, "SELECT queue_cur_table FROM pgq.queue WHERE queue_name = 'rot'");
            await().atMost(Db.WAIT).until(() -> {
                Long b = TickerTest.nextBatch(db, "rot");
                if (b != null) {
                    Db.execute(db, "SELECT pgq.finish_batch(" + b + ")");
                }
                return !table.equals(Db.scalar(db, "SELECT queue_cur_table FROM pgq.queue WHERE queue_name = 'rot'"));
            });
        }
    }
}
