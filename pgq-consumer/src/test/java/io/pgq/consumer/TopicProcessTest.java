package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.execute;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.TopicRouting;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Group members in separate JVMs: killed with SIGKILL and restarted, stopped gracefully, frozen
 * with SIGSTOP past their lease; and the leading ticker daemon (a JVM of its own) killed during a
 * run while a standby ticker takes over. Every event is handled, per-key order is never violated (checked
 * from the handlers' log), and in exactly-once mode every event is logged once.
 */
class TopicProcessTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static TestDatabase db;
    static Pgq pgq;
    static TestSupport.Ticker ticker;
    final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void start(TestDatabase database) throws SQLException {
        db = database;
        pgq = TestSupport.client(database);
        ticker = new TestSupport.Ticker(database.dataSource(), false);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        ticker.close();
        pgq.close();
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void createTopic(String topic, int partitions) throws SQLException {
        pgq.topics().createTopic(topic, partitions);
        for (int p = 0; p < partitions; p++) {
            execute(db.dataSource(), "SELECT pgq.set_queue_config(?, 'ticker_max_lag', '0')", TopicRouting.partitionQueue(topic, p));
            execute(db.dataSource(), "SELECT pgq.set_queue_config(?, 'ticker_idle_period', '1 minute')",
                    TopicRouting.partitionQueue(topic, p));
        }
        execute(db.dataSource(), "DROP TABLE IF EXISTS topic_log");
        execute(db.dataSource(), "CREATE TABLE topic_log (id bigserial, key text, seq int, member text)");
    }

    private Process member(String topic, String member, String mode, long sleepMillis, long sessionMillis) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                TopicMemberProcess.class.getName(), db.jdbcUrl(), db.user() == null ? "" : db.user(),
                db.password() == null ? "" : db.password(), topic, "grp", member, mode, Long.toString(sleepMillis),
                Long.toString(sessionMillis)));
        Path log = Path.of("target", "topic-member-" + member + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(p);
        return p;
    }

    /** A ticker daemon in its own JVM ({@link TopicTickerProcess}), logging its role changes to target/topic-ticker-NAME.log. */
    private Process tickerProcess(String name) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                TopicTickerProcess.class.getName(), db.jdbcUrl(), db.user() == null ? "" : db.user(),
                db.password() == null ? "" : db.password(), name);
        Path log = tickerLog(name);
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(p);
        return p;
    }

    private static Path tickerLog(String name) {
        return Path.of("target", "topic-ticker-" + name + ".log");
    }

    /** The roles a ticker process reported so far, in order. */
    private static List<String> roles(String name) throws IOException {
        Path log = tickerLog(name);
        return !Files.exists(log) ? List.of() : Files.readAllLines(log).stream().filter(l -> l.startsWith("role "))
                .map(l -> l.substring(5)).toList();
    }

    private static void awaitRole(String name, String role, String step, ProgressReport progress) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!roles(name).isEmpty() ? !roles(name).get(roles(name).size() - 1).equals(role) : true) {
            assertThat(System.nanoTime()).as("%s: ticker %s to become %s; %s", step, name, role, progress.get())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The name of the ticker process whose lease runs now ({@code pgq.ticker_lease.tl_owner} starts with it), or "". */
    private static String tickerLeader() throws SQLException {
        List<String> owners = TestSupport.strings(db.dataSource(),
                "SELECT split_part(tl_owner, ' ', 1) FROM pgq.ticker_lease WHERE tl_expires_at > now() AND tl_owner IS NOT NULL");
        return owners.isEmpty() ? "" : owners.get(0);
    }

    /** What each actor did so far, for failure messages. */
    private interface ProgressReport {
        String get() throws Exception;
    }

    private static void produce(String topic, int keys, int from, int to) {
        List<OutgoingEvent> events = new ArrayList<>();
        for (int seq = from; seq < to; seq++) {
            for (int k = 0; k < keys; k++) {
                events.add(OutgoingEvent.keyed("t", "key" + k, "key" + k + ":" + seq));
            }
        }
        pgq.topicProducer().sendAll(topic, events);
    }

    private static long distinctHandled() throws SQLException {
        return scalar(db.dataSource(), "SELECT count(DISTINCT (key, seq)) FROM topic_log");
    }

    private static void awaitHandled(long expected, String step) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (distinctHandled() < expected) {
            assertThat(System.nanoTime()).as("%s: %d of %d events handled", step, distinctHandled(), expected)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void awaitMembers(int n, String step) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (scalar(db.dataSource(), "SELECT count(*) FROM pgq_topic.member WHERE topic_name = 'tp_multi'") != n) {
            assertThat(System.nanoTime()).as("%s: waiting for %d members", step, n).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Per key, the first handling of each seq comes in increasing seq order (a redelivery may repeat, never reorder). */
    private static void assertOrderPerKey() throws SQLException {
        Map<String, List<Integer>> firsts = new HashMap<>();
        Map<String, Set<Integer>> seen = new HashMap<>();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT key, seq FROM topic_log ORDER BY id")) {
            while (rs.next()) {
                String key = rs.getString(1);
                int seq = rs.getInt(2);
                if (seen.computeIfAbsent(key, k -> new HashSet<>()).add(seq)) {
                    firsts.computeIfAbsent(key, k -> new ArrayList<>()).add(seq);
                }
            }
        }
        firsts.forEach((key, seqs) -> {
            for (int i = 1; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("key %s first handled in this order: %s", key, seqs).isGreaterThan(seqs.get(i - 1));
            }
        });
    }

    @Test
    void threeMemberJvmsKilledAndRestartedHandleEveryEventInOrderPerKeyExactlyOnce() throws Exception {
        createTopic("tp_multi", 6);
        Process a = member("tp_multi", "a", "eo", 2, 3000);
        Process b = member("tp_multi", "b", "eo", 2, 3000);
        member("tp_multi", "c", "eo", 2, 3000);
        awaitMembers(3, "three members joined");
        produce("tp_multi", 30, 0, 20);
        awaitHandled(200, "before the kill");

        a.destroyForcibly();
        a.waitFor(30, TimeUnit.SECONDS);
        produce("tp_multi", 30, 20, 40);
        awaitHandled(900, "after SIGKILL of a");
        member("tp_multi", "a2", "eo", 2, 3000);

        b.destroy();
        assertThat(b.waitFor(60, TimeUnit.SECONDS)).as("b stops on SIGTERM").isTrue();
        produce("tp_multi", 30, 40, 60);
        awaitHandled(1800, "after a2 joined and b left");

        assertOrderPerKey();
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM topic_log")).as("exactly once: no event logged twice")
                .isEqualTo(1800);
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM topic_log WHERE member = 'a' AND seq >= 20"))
                .as("nothing sent after the kill was handled by the killed member").isZero();
    }

    @Test
    void aMemberFrozenPastItsLeaseCannotCommitAnythingAfterItWakesUp() throws Exception {
        createTopic("tp_frozen", 1);
        Process frozen = member("tp_frozen", "frozen", "eo", 150, 1500);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (scalar(db.dataSource(), "SELECT count(*) FROM pgq_topic.lease WHERE topic_name = 'tp_frozen' AND owner = 'frozen'") == 0) {
            assertThat(System.nanoTime()).as("the first member owns the partition").isLessThan(deadline);
            Thread.sleep(100);
        }
        produce("tp_frozen", 1, 0, 40);
        while (distinctHandled() < 3) {
            assertThat(System.nanoTime()).as("the first member is handling its batch").isLessThan(deadline);
            Thread.sleep(20);
        }
        new ProcessBuilder("kill", "-STOP", Long.toString(frozen.pid())).start().waitFor();
        long handledWhenFrozen = distinctHandled();
        member("tp_frozen", "taker", "eo", 1, 1500);
        while (scalar(db.dataSource(), "SELECT count(*) FROM pgq_topic.lease WHERE topic_name = 'tp_frozen' AND owner = 'taker'") == 0
                || distinctHandled() < handledWhenFrozen + 5) {
            assertThat(System.nanoTime()).as("the taker took the partition and went on (%d handled)", distinctHandled())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
        new ProcessBuilder("kill", "-CONT", Long.toString(frozen.pid())).start().waitFor();
        awaitHandled(40, "every event handled");
        Thread.sleep(2000);   // time for the woken member to try (and fail) to commit its event in hand
        assertOrderPerKey();
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM topic_log")).as("nothing committed twice").isEqualTo(40);
        assertThat(scalar(db.dataSource(), "SELECT count(*) FROM topic_log WHERE member = 'frozen' AND id > "
                + "(SELECT min(id) FROM topic_log WHERE member = 'taker')")).as("the frozen member committed nothing after the take")
                .isZero();
        frozen.destroy();
        frozen.waitFor(60, TimeUnit.SECONDS);
        assertThat(Files.readString(Path.of("target", "topic-member-frozen.log")))
                .contains("was taken by another member");
    }

    @Test
    void aTopicRunGoesOnWhenTheLeadingTickerIsKilledAndTheStandbyTakesOver() throws Exception {
        ticker.close();   // this test's ticks come from the two ticker processes only
        try {
            createTopic("tp_tick", 6);
            long produced = 0;
            ProgressReport progress = () -> "handled " + distinctHandled() + " distinct events, by member "
                    + TestSupport.strings(db.dataSource(), "SELECT member || '=' || count(*) FROM topic_log GROUP BY member "
                    + "ORDER BY member") + "; ticker t1 " + roles("t1") + ", t2 " + roles("t2") + ", lease " + TestSupport.strings(db.dataSource(),
                    "SELECT tl_owner || ' epoch ' || tl_epoch FROM pgq.ticker_lease") + "; last tick per partition "
                    + TestSupport.strings(db.dataSource(), "SELECT queue_name || ':' || coalesce(last_tick, 0) "
                    + "FROM pgq_topic.get_group_info('tp_tick', 'grp') ORDER BY partition_no");
            Map<String, Process> tickers = new HashMap<>();
            tickers.put("t1", tickerProcess("t1"));
            awaitRole("t1", "LEADER", "first ticker", progress);
            tickers.put("t2", tickerProcess("t2"));
            awaitRole("t2", "STANDBY", "second ticker", progress);
            for (String m : List.of("a", "b", "c")) {
                member("tp_tick", m, "eo", 2, 3000);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (scalar(db.dataSource(), "SELECT count(*) FROM pgq_topic.lease WHERE topic_name = 'tp_tick' "
                    + "AND owner IS NOT NULL") < 6 || scalar(db.dataSource(), "SELECT count(*) FROM pgq_topic.member "
                    + "WHERE topic_name = 'tp_tick'") < 3) {
                assertThat(System.nanoTime()).as("three members own the 6 partitions; %s", progress.get()).isLessThan(deadline);
                Thread.sleep(100);
            }
            int keys = 20;
            for (int round = 0; round < 3; round++) {
                produce("tp_tick", keys, round * 10, round * 10 + 10);
                produced += keys * 10;
            }
            awaitHandled(200, "before the ticker is killed (" + produced + " produced)");

            String leader = tickerLeader();
            while (leader.isEmpty()) {   // between two leases of a busy machine
                assertThat(System.nanoTime()).as("a ticker leads; %s", progress.get()).isLessThan(deadline + TimeUnit.SECONDS.toNanos(120));
                Thread.sleep(50);
                leader = tickerLeader();
            }
            String standby = leader.equals("t1") ? "t2" : "t1";
            long epochBefore = scalar(db.dataSource(), "SELECT tl_epoch FROM pgq.ticker_lease");
            tickers.get(leader).destroyForcibly();
            assertThat(tickers.get(leader).waitFor(30, TimeUnit.SECONDS)).as("leader %s killed", leader).isTrue();
            for (int round = 3; round < 6; round++) {   // produced while no ticker leads, and after the standby took over
                produce("tp_tick", keys, round * 10, round * 10 + 10);
                produced += keys * 10;
                Thread.sleep(200);
            }
            long takeoverDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!standby.equals(tickerLeader())) {
                assertThat(System.nanoTime()).as("the standby %s takes over from the killed %s; %s", standby, leader,
                        progress.get()).isLessThan(takeoverDeadline);
                Thread.sleep(50);
            }
            assertThat(scalar(db.dataSource(), "SELECT tl_epoch FROM pgq.ticker_lease")).as("a new lease epoch")
                    .isGreaterThan(epochBefore);
            for (int round = 6; round < 9; round++) {
                produce("tp_tick", keys, round * 10, round * 10 + 10);
                produced += keys * 10;
            }
            long expected = produced;
            long handleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (distinctHandled() < expected) {
                assertThat(System.nanoTime()).as("every event handled (%d produced); %s", expected, progress.get())
                        .isLessThan(handleDeadline);
                Thread.sleep(100);
            }

            assertOrderPerKey();
            assertThat(scalar(db.dataSource(), "SELECT count(*) FROM topic_log")).as("exactly once: nothing logged twice; %s",
                    progress.get()).isEqualTo(expected);
            assertThat(roles(standby)).as("the standby %s led after the kill", standby).contains("LEADER");
        } finally {
            ticker = new TestSupport.Ticker(db.dataSource(), false);
        }
    }
}
