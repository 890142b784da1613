package io.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PgBouncer;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Leadership through a real PgBouncer in transaction mode, where session state (an advisory
 * lock) does not survive a transaction: exactly one leader, take-over at once after a graceful
 * stop and after the lease of a frozen leader ran out, and no tick by an instance whose lease
 * is gone.
 */
class PgBouncerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static TickerConfig config(Duration lease) {
        return TickerConfig.builder().leaderCheckPeriod(Duration.ofMillis(100)).leaderLease(lease).build();
    }

    /** PgBouncer with two server connections in front of {@code db}; the test is skipped without it. */
    static PgBouncer bouncerInFrontOf(TestDatabase db) throws Exception {
        assumeTrue(PgBouncer.installed(), PgBouncer.NOT_INSTALLED);
        return PgBouncer.inFrontOf(db, 2);
    }

    static PGSimpleDataSource through(PgBouncer bouncer) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(bouncer.jdbcUrl());
        return ds;
    }

    static void createBusyQueue(TestDatabase db) {
        Db.execute(db, "SELECT pgq.create_queue('fo')", "SELECT pgq.set_queue_config('fo', 'ticker_max_lag', '0')",
                "SELECT pgq.set_queue_config('fo', 'ticker_idle_period', '0')");
    }

    @Test
    void exactlyOneLeaderAndTheStandbyTakesOverAtOnceWhenTheLeaderStops(TestDatabase db) throws Exception {
        createBusyQueue(db);
        // a lease far longer than the wait below: only the stopping leader's release lets the standby in
        Duration lease = Duration.ofSeconds(60);
        try (PgBouncer bouncer = bouncerInFrontOf(db);
             Ticker first = Ticker.builder("first", through(bouncer)).config(config(lease)).metrics(new MetricRegistry()).build();
             Ticker second = Ticker.builder("second", through(bouncer)).config(config(lease)).metrics(new MetricRegistry()).build()) {
            first.start();
            await().atMost(Db.WAIT).until(first::isLeader);
            long epoch = Db.scalarLong(db, "SELECT tl_epoch FROM pgq.ticker_lease WHERE tl_key = " + TickerConfig.DEFAULT_LEADER_LOCK_KEY);
            second.start();
            long ticks = Db.lastTick(db, "fo");
            await().atMost(Db.WAIT).until(() -> Db.lastTick(db, "fo") > ticks + 20);
            for (int i = 0; i < 40; i++) {
                assertThat(first.isLeader() && !second.isLeader()).as("sample %d: first leads alone", i).isTrue();
                Thread.sleep(25);
            }
            assertThat(Db.scalarLong(db, "SELECT tl_epoch FROM pgq.ticker_lease WHERE tl_key = " + TickerConfig.DEFAULT_LEADER_LOCK_KEY)).as("lease epoch").isEqualTo(epoch);

            long stopping = System.nanoTime();
            assertThat(first.stop(Duration.ofSeconds(30))).isTrue();
            await().atMost(Db.WAIT).pollInterval(Duration.ofMillis(10)).until(second::isLeader);
            long takeoverMillis = (System.nanoTime() - stopping) / 1_000_000;
            assertThat(takeoverMillis).as("take-over after a graceful stop, with a lease of %s", lease).isLessThan(30_000);
            long after = Db.lastTick(db, "fo");
            await().atMost(Db.WAIT).until(() -> Db.lastTick(db, "fo") > after + 5);
            assertThat(Db.scalarLong(db, "SELECT tl_epoch FROM pgq.ticker_lease WHERE tl_key = " + TickerConfig.DEFAULT_LEADER_LOCK_KEY)).as("lease epoch").isEqualTo(epoch + 1);
            FailoverTest.assertTickSnapshotsAreMonotonic(db);
        }
    }

    @Test
    void aFrozenLeaderLosesItsLeaseToTheStandbyAndTicksNoMoreWhenItWakes(TestDatabase db) throws Exception {
        createBusyQueue(db);
        Duration lease = Duration.ofSeconds(2);
        List<String> childOutput = new CopyOnWriteArrayList<>();
        try (PgBouncer bouncer = bouncerInFrontOf(db)) {
            Process child = startChild(bouncer, lease, childOutput);
            try (Ticker standby = Ticker.builder("standby", through(bouncer)).config(config(lease)).metrics(new MetricRegistry()).build()) {
                standby.start();
                long ticks = Db.lastTick(db, "fo");
                await().atMost(Db.WAIT).until(() -> Db.lastTick(db, "fo") > ticks + 20);
                assertThat(standby.isLeader()).as("standby leads while the child holds the lease").isFalse();

                signal("STOP", child);
                await().atMost(Db.WAIT).pollInterval(Duration.ofMillis(20)).until(standby::isLeader);
                signal("CONT", child);
                await().atMost(Db.WAIT).until(() -> childOutput.stream().anyMatch(l -> l.contains("lost its leadership")));
                long after = Db.lastTick(db, "fo");
                await().atMost(Db.WAIT).until(() -> Db.lastTick(db, "fo") > after + 20);
                assertThat(standby.isLeader()).as("the standby still leads after the child woke").isTrue();
                assertThat(childOutput.stream().filter(l -> l.contains("is now the leader")))
                        .as("the child's output: it led once, then stood by").hasSize(1);
                FailoverTest.assertTickSnapshotsAreMonotonic(db);
            } finally {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aTickWithALostLeaseTicksNothing(TestDatabase db) throws Exception {
        createBusyQueue(db);
        try (PgBouncer bouncer = bouncerInFrontOf(db); Connection c = DriverManager.getConnection(bouncer.jdbcUrl());
             Statement st = c.createStatement()) {
            assertThat(scalar(st, "SELECT pgq._ticker_lease_take(7, 'old', '1 hour')")).isEqualTo("1");
            assertThat(scalar(st, "SELECT pgq._ticker_lease_take(7, 'new', '1 hour')")).as("held by old").isNull();
            Db.execute(db, "UPDATE pgq.ticker_lease SET tl_expires_at = now() - interval '1 second'");   // 'old' froze
            assertThat(scalar(st, "SELECT ticked FROM pgq._ticker_leased(7, 'old', 1, NULL)")).as("tick past expiry").isNull();
            assertThat(scalar(st, "SELECT pgq._ticker_lease_take(7, 'new', '1 hour')")).isEqualTo("2");

            long ticks = Db.scalarLong(db, "SELECT count(*) FROM pgq.tick");
            assertThat(scalar(st, "SELECT ticked FROM pgq._ticker_leased(7, 'old', 1, NULL)")).as("tick with the old epoch").isNull();
            assertThat(scalar(st, "SELECT pgq._ticker_lease_take(7, 'old', '1 hour')")).as("renewal by old").isNull();
            assertThat(scalar(st, "SELECT pgq._ticker_lease_release(7, 'old', 1)")).as("release by old").isEqualTo("f");
            assertThat(Db.scalarLong(db, "SELECT count(*) FROM pgq.tick")).as("ticks after the stale attempts").isEqualTo(ticks);
            assertThat(scalar(st, "SELECT ticked FROM pgq._ticker_leased(7, 'new', 2, NULL)")).as("tick by the holder").isEqualTo("1");
        }
    }

    private static String scalar(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Process startChild(PgBouncer bouncer, Duration lease, List<String> output) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TickerMain.class.getName(),
                bouncer.jdbcUrl(), "", "", Long.toString(lease.toMillis())).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Thread drain = new Thread(() -> out.lines().forEach(output::add), "child-ticker-output");
        drain.setDaemon(true);
        drain.start();
        try {
            await().atMost(Db.WAIT).until(() -> output.contains("LEADER") || !p.isAlive());
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw new AssertionError("child ticker did not become leader; its output: " + output, e);
        }
        if (!p.isAlive()) {
            throw new AssertionError("child ticker exited; its output: " + output);
        }
        return p;
    }

    private static void signal(String signal, Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
    }
}
