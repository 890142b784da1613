package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Registration and queue creation are safe under concurrency: sessions doing the same first
 * registration (or creating the same queue) at once all succeed, no unique violation reaches
 * them, and exactly one of them is told it created the thing (1), the others 0.
 */
class RegistrationRaceTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static final int SESSIONS = 12;
    /** Rounds with fresh names: each starts all sessions at once, so the race is met many times. */
    static final int ROUNDS = 8;
    static final Duration BOUND = Duration.ofMinutes(2);

    TestDatabase db;
    Sql sql;
    ExecutorService pool;

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        this.db = db;
        sql = Sql.connect(db);
        pool = Executors.newFixedThreadPool(SESSIONS);
    }

    @AfterEach
    void close() throws SQLException {
        pool.shutdownNow();
        sql.close();
    }

    @Test
    void oneConsumerNameRegisteredOnManyQueuesAtOnce() throws Exception {
        for (int q = 0; q < SESSIONS; q++) {
            sql.execute("select pgq.create_queue(?)", "many_" + q);
        }
        for (int round = 0; round < ROUNDS; round++) {
            String consumer = "shared_" + round;
            List<String> results = atOnce(i -> List.of("select pgq.register_consumer(?, ?)", "many_" + i, consumer));
            assertThat(results).as("round %s: every session registers on its own queue", round)
                    .containsOnly("1").hasSize(SESSIONS);
            assertThat(sql.scalar("select count(*) from pgq.consumer where co_name = ?", consumer)).isEqualTo("1");
            assertThat(sql.scalar("select count(*) from pgq.subscription s join pgq.consumer c on c.co_id = s.sub_consumer"
                    + " where c.co_name = ?", consumer)).isEqualTo(String.valueOf(SESSIONS));
        }
    }

    @Test
    void oneSubscriptionRegisteredByManySessionsAtOnce() throws Exception {
        sql.execute("select pgq.create_queue('one')");
        long tick = sql.scalarLong("select max(tick_id) from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue"
                + " where q.queue_name = 'one'");
        for (int round = 0; round < ROUNDS; round++) {
            String consumer = "same_" + round;
            // half of the sessions give the tick (register_consumer_at), half do not
            List<String> results = atOnce(i -> i % 2 == 0
                    ? List.of("select pgq.register_consumer('one', ?)", consumer)
                    : List.of("select pgq.register_consumer_at('one', ?, ?)", consumer, tick));
            assertThat(results).as("round %s", round).containsOnly("0", "1").hasSize(SESSIONS);
            assertThat(results.stream().filter("1"::equals).count()).as("round %s: registrations returning 1", round)
                    .isEqualTo(1);
            assertThat(sql.scalar("select count(*) from pgq.subscription s join pgq.consumer c on c.co_id = s.sub_consumer"
                    + " where c.co_name = ?", consumer)).isEqualTo("1");
        }
    }

    @Test
    void subconsumersRegisteredAtOnce() throws Exception {
        sql.execute("select pgq.create_queue('coop')");
        for (int round = 0; round < ROUNDS; round++) {
            String group = "group_" + round;
            // sessions 0..5 register members m0..m5 of a new group, sessions 6..11 register m0..m5 again
            List<String> results = atOnce(i -> List.of("select pgq_coop.register_subconsumer('coop', ?, ?)", group,
                    "m" + i % (SESSIONS / 2)));
            assertThat(results.stream().filter("1"::equals).count()).as("round %s: %s", round, results)
                    .isEqualTo(SESSIONS / 2);
            assertThat(sql.column("select c.co_name || ':' || (s.sub_id = m.sub_id) || ':' || (s.sub_last_tick is null)"
                    + " from pgq.subscription s join pgq.consumer c on c.co_id = s.sub_consumer,"
                    + " pgq.subscription m join pgq.consumer mc on mc.co_id = m.sub_consumer"
                    + " where mc.co_name = ? and m.sub_queue = s.sub_queue and c.co_name like ? order by 1",
                    group, group + ".%")).as("members share the group's sub_id and have no position of their own")
                    .containsExactly(group + ".m0:true:true", group + ".m1:true:true", group + ".m2:true:true",
                            group + ".m3:true:true", group + ".m4:true:true", group + ".m5:true:true");
        }
    }

    @Test
    void queuesCreatedAtOnce() throws Exception {
        for (int round = 0; round < ROUNDS / 2; round++) {
            String name = "same_queue_" + round;
            List<String> same = atOnce(i -> List.of("select pgq.create_queue(?)", name));
            assertThat(same.stream().filter("1"::equals).count()).as("round %s: %s", round, same).isEqualTo(1);
            assertThat(same).containsOnly("0", "1");

            int r = round;
            List<String> different = atOnce(i -> List.of("select pgq.create_queue(?)", "queue_" + r + "_" + i));
            assertThat(different).as("round %s", round).containsOnly("1").hasSize(SESSIONS);
        }
        assertThat(sql.scalar("select count(*) from pgq.queue where queue_name like 'queue\\_%'"))
                .isEqualTo(String.valueOf(ROUNDS / 2 * SESSIONS));
        assertThat(sql.scalar("select count(*) from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue"
                + " where q.queue_name like 'same\\_queue\\_%'")).as("one first tick per queue").isEqualTo(String.valueOf(ROUNDS / 2));
    }

    /** The reproduction: one connection holds its first registration of a name open; a second registers it elsewhere. */
    @Test
    void aRegistrationWaitsForAnOpenRegistrationOfTheSameNameAndSucceeds() throws Exception {
        sql.execute("select pgq.create_queue('q1')");
        sql.execute("select pgq.create_queue('q2')");
        for (boolean commitFirst : new boolean[] {true, false}) {
            String consumer = "held_" + commitFirst;
            try (Sql first = Sql.connect(db)) {
                first.begin();
                assertThat(first.scalar("select pgq.register_consumer('q1', ?)", consumer)).isEqualTo("1");
                Future<String> second = pool.submit(() -> {
                    try (Sql s = Sql.connect(db)) {
                        return s.scalar("select pgq.register_consumer('q2', ?)", consumer);
                    }
                });
                awaitWaitingSessions(1);
                if (commitFirst) {
                    first.commit();
                } else {
                    first.rollback();
                }
                assertThat(second.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("1");
            }
            assertThat(sql.column("select q.queue_name from pgq.subscription s join pgq.consumer c on c.co_id = s.sub_consumer"
                    + " join pgq.queue q on q.queue_id = s.sub_queue where c.co_name = ? order by 1", consumer))
                    .containsExactly(commitFirst ? new String[] {"q1", "q2"} : new String[] {"q2"});
        }
    }

    @Test
    void aQueueCreatedAfterARepeatableReadSnapshotIsReportedAsExisting() throws Exception {
        try (Sql late = Sql.connect(db)) {
            late.begin();
            late.execute("set transaction isolation level repeatable read");
            late.scalar("select count(*) from pgq.queue");   // takes the snapshot
            sql.execute("select pgq.create_queue('rr_queue')");
            assertThat(late.scalar("select pgq.create_queue('rr_queue')")).isEqualTo("0");
            late.rollback();
        }
        assertThat(sql.scalar("select count(*) from pgq.queue where queue_name = 'rr_queue'")).isEqualTo("1");
    }

    private interface Call {
        /** The SQL of session {@code i} and its arguments. */
        List<Object> of(int i);
    }

    /**
     * Runs one statement per session, all released at once by a barrier, and returns their
     * results in session order; fails listing every session's error if any failed.
     */
    private List<String> atOnce(Call call) throws Exception {
        CyclicBarrier start = new CyclicBarrier(SESSIONS);
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            List<Object> statement = call.of(i);
            futures.add(pool.submit(() -> {
                try (Connection c = db.connect(); Sql s = Sql.on(c)) {
                    s.scalar("select 1");   // connected and ready
                    start.await(BOUND.toSeconds(), TimeUnit.SECONDS);
                    return s.scalar((String) statement.get(0), statement.subList(1, statement.size()).toArray());
                }
            }));
        }
        List<String> results = new ArrayList<>();
        Map<Integer, String> failures = new TreeMap<>();
        for (int i = 0; i < SESSIONS; i++) {
            try {
                results.add(futures.get(i).get(BOUND.toSeconds(), TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                failures.put(i, String.valueOf(e.getCause()));
            } catch (java.util.concurrent.TimeoutException e) {
                failures.put(i, "no result within " + BOUND + " (results so far: " + results + ")");
            }
        }
        assertThat(failures).as("sessions that failed (session -> error)").isEmpty();
        return results;
    }

    /** Waits until {@code n} other sessions of this database wait for a lock (bounded, generous). */
    private void awaitWaitingSessions(int n) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        String waiting = "0";
        while (System.nanoTime() < deadline) {
            waiting = sql.scalar("select count(*) from pg_stat_activity where datname = current_database()"
                    + " and wait_event_type = 'Lock'");
            if (Integer.parseInt(waiting) >= n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + n + " session(s) waiting for a lock within " + BOUND + ", saw " + waiting);
    }
}
