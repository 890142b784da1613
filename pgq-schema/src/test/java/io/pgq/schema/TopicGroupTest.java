package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.util.PSQLException;

/** pgq_topic groups: membership, sticky balanced assignment, leases, fencing and progress. */
class TopicGroupTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    TestDatabase db;
    Sql sql;

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        this.db = db;
        sql = Sql.connect(db);
    }

    @AfterEach
    void close() throws SQLException {
        sql.close();
    }

    /** partition -> state for a member's heartbeat. */
    private Map<Integer, String> heartbeat(String topic, String member, String timeout) throws SQLException {
        Map<Integer, String> result = new TreeMap<>();
        for (List<String> row : sql.rows("select partition_no, state from pgq_topic.heartbeat(?, 'g', ?, ?::interval)",
                topic, member, timeout)) {
            result.put(Integer.parseInt(row.get(0)), row.get(1));
        }
        return result;
    }

    private Map<Integer, String> heartbeat(String topic, String member) throws SQLException {
        return heartbeat(topic, member, "30 s");
    }

    /** Releases every partition the member is asked to revoke (it has no batch in hand). */
    private void releaseRevoked(String topic, String member) throws SQLException {
        for (List<String> row : sql.rows("select partition_no, epoch from pgq_topic.heartbeat(?, 'g', ?, '30 s') "
                + "where state = 'revoke'", topic, member)) {
            assertThat(sql.scalar("select pgq_topic.release(?, 'g', ?, ?::int4, ?::int8)", topic, member,
                    row.get(0), row.get(1))).isEqualTo("t");
        }
    }

    /** partition -> owner. */
    private Map<Integer, String> owners(String topic) throws SQLException {
        Map<Integer, String> result = new TreeMap<>();
        for (List<String> row : sql.rows("select partition_no, owner from pgq_topic.get_group_info(?, 'g')", topic)) {
            result.put(Integer.parseInt(row.get(0)), row.get(1));
        }
        return result;
    }

    private static Map<String, Integer> counts(Map<Integer, String> owners) {
        Map<String, Integer> c = new TreeMap<>();
        owners.values().forEach(o -> c.merge(String.valueOf(o), 1, Integer::sum));
        return c;
    }

    private static int moved(Map<Integer, String> before, Map<Integer, String> after) {
        int n = 0;
        for (Integer p : before.keySet()) {
            if (!String.valueOf(before.get(p)).equals(String.valueOf(after.get(p)))) {
                n++;
            }
        }
        return n;
    }

    /** Lets every member heartbeat and release what it must, until the owners stop changing. */
    private Map<Integer, String> settle(String topic, List<String> members) throws SQLException {
        for (int round = 0; round < 3; round++) {
            for (String m : members) {
                releaseRevoked(topic, m);
            }
            for (String m : members) {
                heartbeat(topic, m);
            }
        }
        return owners(topic);
    }

    @Test
    void assignmentIsBalancedAndOnlyThePartitionsThatMustMoveMove() throws SQLException {
        sql.execute("select pgq_topic.create_topic('g_bal', 16)");
        assertThat(heartbeat("g_bal", "m1")).hasSize(16).containsValue("owned");
        List<String> members = new ArrayList<>(List.of("m1", "m2"));
        heartbeat("g_bal", "m2");
        Map<Integer, String> two = settle("g_bal", members);
        assertThat(counts(two)).containsEntry("m1", 8).containsEntry("m2", 8);

        members.add("m3");
        heartbeat("g_bal", "m3");
        Map<Integer, String> three = settle("g_bal", members);
        assertThat(counts(three).values()).containsExactlyInAnyOrder(6, 5, 5);
        assertThat(moved(two, three)).as("partitions moved when m3 joined").isEqualTo(counts(three).get("m3"));

        assertThat(sql.scalar("select pgq_topic.leave('g_bal', 'g', 'm2')")).isEqualTo(String.valueOf(counts(three).get("m2")));
        members.remove("m2");
        Map<Integer, String> afterLeave = owners("g_bal");
        assertThat(counts(afterLeave)).as("handed over at once").containsOnlyKeys("m1", "m3")
                .containsEntry("m1", 8).containsEntry("m3", 8);
        for (Integer p : three.keySet()) {
            if (!three.get(p).equals("m2")) {
                assertThat(afterLeave.get(p)).as("partition %d of a member that stayed", p).isEqualTo(three.get(p));
            }
        }
        assertThat(settle("g_bal", members)).as("a stable group changes nothing").isEqualTo(afterLeave);
        assertThat(sql.scalar("select rebalances from pgq_topic.grp where topic_name = 'g_bal'")).isEqualTo("4");
    }

    @Test
    void aMemberThatStopsHeartbeatingLosesItsPartitionsAfterItsSessionTimeoutAndIsFenced() throws Exception {
        sql.execute("select pgq_topic.create_topic('g_exp', 4)");
        assertThat(heartbeat("g_exp", "dying", "300 ms")).hasSize(4);
        long epoch = sql.scalarLong("select epoch from pgq_topic.lease where topic_name = 'g_exp' and partition_no = 2");
        assertThat(heartbeat("g_exp", "alive")).as("nothing is free while the lease runs").isEmpty();
        waitUntilExpired("g_exp", "dying");

        assertThat(heartbeat("g_exp", "alive").values()).hasSize(4).containsOnly("owned");
        assertThat(sql.column("select member_id from pgq_topic.get_member_info('g_exp', 'g')")).containsExactly("alive");
        assertThat(sql.scalarLong("select epoch from pgq_topic.lease where topic_name = 'g_exp' and partition_no = 2"))
                .isEqualTo(epoch + 1);
        assertThat(sqlState("select pgq_topic.check_lease('g_exp', 'g', 'dying', 2, " + epoch + ")")).isEqualTo("PGQ01");
        sql.execute("select pgq_topic.check_lease('g_exp', 'g', 'alive', 2, " + (epoch + 1) + ")");
        assertThat(heartbeat("g_exp", "dying", "300 ms")).as("back as a new member: nothing free yet").isEmpty();
    }

    private void waitUntilExpired(String topic, String member) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"t".equals(sql.scalar("select expires_at < clock_timestamp() from pgq_topic.member "
                + "where topic_name = ? and member_id = ?", topic, member))) {
            assertThat(System.nanoTime()).as("member %s should have expired", member).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private String sqlState(String statement) throws SQLException {
        try {
            sql.execute(statement);
        } catch (PSQLException e) {
            return e.getSQLState();
        }
        return "no error";
    }

    @Test
    void aFencedMemberCannotFinishItsBatchAndTheNewOwnerGetsTheSameBatchWithItsProgress() throws Exception {
        sql.execute("select pgq_topic.create_topic('g_fence', 1)");
        sql.execute("select pgq.set_queue_config('g_fence.p0', 'ticker_max_lag', '0')");
        sql.execute("select pgq.set_queue_config('g_fence.p0', 'ticker_idle_period', '0')");
        heartbeat("g_fence", "old", "300 ms");
        for (int i = 1; i <= 3; i++) {
            sql.execute("select pgq_topic.insert_event('g_fence', 'k', 't', ?)", "e" + i);
        }
        sql.tick("g_fence.p0");
        long batch = sql.nextBatch("g_fence.p0", "g");
        List<String> ids = sql.column("select ev_id from pgq.get_batch_events(?) order by ev_id", batch);
        assertThat(ids).hasSize(3);
        sql.execute("select pgq_topic.save_progress('g_fence', 'g', 'old', 0, 1, ?, ?)", batch, Long.parseLong(ids.get(0)));
        waitUntilExpired("g_fence", "old");

        assertThat(sql.rows("select partition_no, epoch, state, batch_id, done_ev_id from pgq_topic.heartbeat('g_fence', 'g', 'new', '30 s')"))
                .containsExactly(List.of("0", "2", "owned", String.valueOf(batch), ids.get(0)));
        assertThat(sqlState("select pgq_topic.finish_batch('g_fence', 'g', 'old', 0, 1, " + batch + ")")).isEqualTo("PGQ01");
        assertThat(sqlState("select pgq_topic.save_progress('g_fence', 'g', 'old', 0, 1, " + batch + ", " + ids.get(2) + ")"))
                .isEqualTo("PGQ01");
        assertThat(sql.nextBatch("g_fence.p0", "g")).as("the open batch is handed out again").isEqualTo(batch);

        assertThat(sql.scalar("select pgq_topic.finish_batch('g_fence', 'g', 'new', 0, 2, ?)", batch)).isEqualTo("1");
        assertThat(sql.scalar("select current_batch from pgq_topic.get_group_info('g_fence', 'g')")).isNull();
        assertThat(sql.rows("select batch_id, done_ev_id from pgq_topic.lease where topic_name = 'g_fence'"))
                .containsExactly(java.util.Arrays.asList(null, null));
    }

    @Test
    void theFinishingTransactionHoldsTheLeaseSoATakeWaitsForItsOutcome() throws Exception {
        sql.execute("select pgq_topic.create_topic('g_race', 1)");
        heartbeat("g_race", "holder", "300 ms");
        waitUntilExpired("g_race", "holder");
        try (Sql other = Sql.connect(db)) {
            sql.begin();
            sql.execute("select pgq_topic.check_lease('g_race', 'g', 'holder', 0, 1)");
            // the take blocks on the lease row until the finishing transaction ends
            other.execute("set lock_timeout = '200ms'");
            assertThat(other.error("select * from pgq_topic.heartbeat('g_race', 'g', 'taker', '30 s')"))
                    .startsWith("canceling statement due to lock timeout");
            sql.commit();
            other.execute("set lock_timeout = 0");
            assertThat(other.rows("select partition_no, epoch from pgq_topic.heartbeat('g_race', 'g', 'taker', '30 s')"))
                    .as("taken after the finishing transaction").containsExactly(List.of("0", "2"));
        }
        assertThat(owners("g_race")).containsEntry(0, "taker");
        assertThat(sqlState("select pgq_topic.check_lease('g_race', 'g', 'holder', 0, 1)")).isEqualTo("PGQ01");
    }

    @Test
    void aRevokedPartitionStaysWithItsOwnerUntilReleasedAndThenGoesToItsTarget() throws SQLException {
        sql.execute("select pgq_topic.create_topic('g_rev', 2)");
        heartbeat("g_rev", "a");
        heartbeat("g_rev", "b");
        Map<Integer, String> a = heartbeat("g_rev", "a");
        assertThat(a).containsEntry(0, "owned").containsEntry(1, "revoke");
        assertThat(heartbeat("g_rev", "b")).as("b waits for a to release").isEmpty();
        assertThat(sql.scalar("select pgq_topic.release('g_rev', 'g', 'b', 1, 1)")).isEqualTo("f");
        assertThat(sql.scalar("select pgq_topic.release('g_rev', 'g', 'a', 1, 1)")).isEqualTo("t");
        assertThat(owners("g_rev")).containsEntry(0, "a").containsEntry(1, "b");
        assertThat(sql.rows("select partition_no, epoch, state from pgq_topic.heartbeat('g_rev', 'g', 'b', '30 s')"))
                .containsExactly(List.of("1", "2", "owned"));
        Map<String, String> b = new HashMap<>(sql.record("select * from pgq_topic.get_member_info('g_rev', 'g') where member_id = 'b'"));
        assertThat(b).containsEntry("owned", "{1}").containsEntry("assigned", "{1}");
    }

    @Test
    void nextBatchEventsOpensABatchWithItsFirstEventsAndFinishAndNextOpensTheFollowingOne() throws Exception {
        sql.execute("select pgq_topic.create_topic('g_next', 1)");
        sql.execute("select pgq.set_queue_config('g_next.p0', 'ticker_max_lag', '0')");
        sql.execute("select pgq.set_queue_config('g_next.p0', 'ticker_idle_period', '0')");
        heartbeat("g_next", "m");
        String events = "select ev_id, ev_data, batch_id, first_chunk from pgq_topic.next_batch_events('g_next', 'g', 0, ?, ?)";
        assertThat(sql.rows(events, 0L, 10)).as("no tick yet").isEmpty();
        for (int i = 1; i <= 3; i++) {
            sql.execute("select pgq_topic.insert_event('g_next', 'k', 't', ?)", "e" + i);
        }
        sql.tick("g_next.p0");
        sql.execute("select pgq_topic.insert_event('g_next', 'k', 't', 'e4')");
        sql.tick("g_next.p0");

        List<List<String>> large = sql.rows(events, 0L, 1);
        assertThat(large).as("more event ids between the ticks than the limit: only the batch (read through a cursor)")
                .hasSize(1);
        String batch = large.get(0).get(2);
        assertThat(large.get(0).get(3)).isEqualTo("f");
        List<List<String>> first = sql.rows(events, 0L, 3);
        assertThat(first).hasSize(4);
        assertThat(first.get(0).subList(2, 4)).as("the open batch again, with its first chunk").containsExactly(batch, "t");
        assertThat(first.get(0).subList(0, 2)).as("the first row carries only the batch").containsOnlyNulls();
        assertThat(first.subList(1, 4)).extracting(r -> r.get(1)).containsExactly("e1", "e2", "e3");
        assertThat(first.subList(1, 4)).extracting(r -> r.get(3)).containsOnlyNulls();
        List<List<String>> again = sql.rows(events, Long.parseLong(first.get(1).get(0)), 10);
        assertThat(again.get(0).get(2)).as("the open batch again").isEqualTo(batch);
        assertThat(again.subList(1, again.size())).extracting(r -> r.get(1)).containsExactly("e2", "e3");

        String finish = "select pgq_topic.finish_and_next_batch('g_next', 'g', 'm', 0, ?::int8, ?::int8)";
        assertThat(sqlState("select pgq_topic.finish_and_next_batch('g_next', 'g', 'm', 0, 2, " + batch + ")"))
                .as("fenced like finish_batch").isEqualTo("PGQ01");
        String next = sql.scalar(finish, 1, batch);
        assertThat(next).as("the second tick's batch, opened by the finish").isNotNull().isNotEqualTo(batch);
        List<List<String>> second = sql.rows(events, 0L, 10);
        assertThat(second.get(0).get(2)).isEqualTo(next);
        assertThat(second.subList(1, second.size())).extracting(r -> r.get(1)).containsExactly("e4");
        assertThat(sql.scalar(finish, 1, next)).as("no further tick").isNull();
        assertThat(sql.rows(events, 0L, 10)).isEmpty();
        assertThat(sql.scalar("select current_batch from pgq_topic.get_group_info('g_next', 'g')")).isNull();
    }

    @Test
    void finishAndNextBatchEventsFinishesOpensAndReadsInOneStatementAndSaysWhenCaughtUp() throws Exception {
        sql.execute("select pgq_topic.create_topic('g_fne', 1)");
        sql.execute("select pgq.set_queue_config('g_fne.p0', 'ticker_max_lag', '0')");
        sql.execute("select pgq.set_queue_config('g_fne.p0', 'ticker_idle_period', '0')");
        heartbeat("g_fne", "m");
        sql.execute("select pgq_topic.insert_event('g_fne', 'k', 't', 'e1')");
        sql.tick("g_fne.p0");
        sql.execute("select pgq_topic.insert_event('g_fne', 'k', 't', 'e2')");
        sql.tick("g_fne.p0");

        List<List<String>> first = sql.rows("select ev_data, batch_id, first_chunk, caught_up "
                + "from pgq_topic.next_batch_events('g_fne', 'g', 0, 0, 10)");
        String batch = first.get(0).get(1);
        assertThat(first.get(0).get(3)).as("a later tick exists: not caught up").isEqualTo("f");
        assertThat(first.subList(1, first.size())).extracting(r -> r.get(0)).containsExactly("e1");

        String call = "select ev_data, batch_id, first_chunk, caught_up "
                + "from pgq_topic.finish_and_next_batch_events('g_fne', 'g', 'm', 0, %d, %s, %d)";
        assertThat(sqlState(String.format(call, 2, batch, 10))).as("fenced like finish_batch").isEqualTo("PGQ01");
        assertThat(sqlState(String.format(call, 1, Long.parseLong(batch) + 1000, 10))).as("not the open batch")
                .isEqualTo("22023");
        assertThat(sqlState(String.format(call, 1, batch, 0))).as("limit below 1").isEqualTo("22023");
        assertThat(sql.scalar("select current_batch from pgq_topic.get_group_info('g_fne', 'g')"))
                .as("refused calls finish nothing").isEqualTo(batch);

        List<List<String>> second = sql.rows(String.format(call, 1, batch, 10));
        String next = second.get(0).get(1);
        assertThat(next).as("the second tick's batch").isNotNull().isNotEqualTo(batch);
        assertThat(second.get(0).subList(2, 4)).as("first chunk, ends at the newest tick").containsExactly("t", "t");
        assertThat(second.subList(1, second.size())).extracting(r -> r.get(0)).containsExactly("e2");
        assertThat(sql.rows(String.format(call, 1, next, 10))).as("finished, no further tick").isEmpty();
        assertThat(sql.scalar("select current_batch from pgq_topic.get_group_info('g_fne', 'g')")).isNull();
        assertThat(sql.scalar("select count(*) from pgq.get_consumer_info('g_fne.p0', 'g') where last_tick = "
                + "(select max(tick_id) from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue "
                + "where q.queue_name = 'g_fne.p0')")).as("the group is at the newest tick").isEqualTo("1");
    }

    @Test
    void batchEventsComeThroughAStatementPreparedPerTableThatIsPreparedAgainWhenGoneAndNotAcrossARotation()
            throws Exception {
        sql.execute("select pgq_topic.create_topic('g_prep', 1)");
        sql.execute("select pgq.set_queue_config('g_prep.p0', 'ticker_max_lag', '0')");
        sql.execute("select pgq.set_queue_config('g_prep.p0', 'ticker_idle_period', '0')");
        sql.execute("select pgq.set_queue_config('g_prep.p0', 'rotation_period', '0')");
        heartbeat("g_prep", "m");
        String table = sql.scalar("select pgq.current_event_table('g_prep.p0')");
        String statement = "pgq_batch_events_r15 " + table;
        String prepared = "select count(*) from pg_prepared_statements where name = ?";
        String open = "select ev_data, batch_id from pgq_topic.next_batch_events('g_prep', 'g', 0, ?, 10)";
        String finish = "select ev_data, batch_id from pgq_topic.finish_and_next_batch_events('g_prep', 'g', 'm', 0, 1, ?::int8, 10)";

        sql.execute("select pgq_topic.insert_event('g_prep', 'k', 't', 'a0')");
        sql.tick("g_prep.p0");
        String created = sql.rows(open, 0L).get(0).get(1);   // its start tick is older than the table
        assertThat(sql.rows(finish, created)).as("no further tick").isEmpty();

        for (String data : List.of("a1", "a2", "a3")) {
            sql.execute("select pgq_topic.insert_event('g_prep', 'k', 't', ?)", data);
        }
        sql.tick("g_prep.p0");
        List<List<String>> first = sql.rows(open, 0L);
        String batch = first.get(0).get(1);
        assertThat(data(first)).containsExactly("a1", "a2", "a3");
        assertThat(sql.scalar(prepared, statement)).as("prepared for %s", table).isEqualTo("1");
        assertThat(data(first)).as("as pgq.get_batch_events reads them")
                .isEqualTo(sql.column("select ev_data from pgq.get_batch_events(?::int8) order by ev_id", batch));
        String a1 = sql.scalar("select ev_id from pgq.get_batch_events(?::int8) where ev_data = 'a1'", batch);
        assertThat(data(sql.rows(open, Long.parseLong(a1)))).as("after an event, through the same statement")
                .containsExactly("a2", "a3");

        sql.execute("deallocate all");   // as a pooler's reset does; the session's note of it stays
        sql.execute("select pgq_topic.insert_event('g_prep', 'k', 't', 'b1')");
        sql.tick("g_prep.p0");
        List<List<String>> second = sql.rows(finish, batch);
        assertThat(data(second)).as("read after the statement was gone").containsExactly("b1");
        assertThat(sql.scalar(prepared, statement)).as("prepared again").isEqualTo("1");

        sql.execute("select set_config('pgq.batch_statements', '', false)");   // a note lost with a rollback
        sql.execute("select pgq_topic.insert_event('g_prep', 'k', 't', 'c1')");
        sql.tick("g_prep.p0");
        List<List<String>> third = sql.rows(finish, second.get(0).get(1));
        assertThat(data(third)).as("read when the statement exists but the note does not").containsExactly("c1");

        sql.execute("select pgq_topic.insert_event('g_prep', 'k', 't', 'd1')");
        sql.execute("select pgq.maint_rotate_tables_step1('g_prep.p0')");
        sql.execute("select pgq_topic.insert_event('g_prep', 'k', 't', 'd2')");
        sql.tick("g_prep.p0");
        List<List<String>> spanning = sql.rows(finish, third.get(0).get(1));
        assertThat(sql.column("select * from pgq.batch_event_tables(?::int8)", spanning.get(0).get(1)))
                .as("a batch across the rotation reads both tables").hasSize(2);
        assertThat(data(spanning)).containsExactly("d1", "d2");
        assertThat(sql.scalar("select count(*) from pg_prepared_statements where name like 'pgq_batch_events_r15 %'"))
                .as("no statement for a batch of two tables").isEqualTo("1");
    }

    /** The ev_data of the event rows of a next_batch_events result (its first row is the batch's). */
    private static List<String> data(List<List<String>> rows) {
        return rows.subList(1, rows.size()).stream().map(r -> r.get(0)).toList();
    }

    @Test
    void openingABatchCommitsAsynchronouslyOnlyInATransactionOfItsOwn() throws Exception {
        sql.execute("select pgq_topic.create_topic('g_sync', 1)");
        sql.execute("select pgq.set_queue_config('g_sync.p0', 'ticker_max_lag', '0')");
        heartbeat("g_sync", "m");
        String events = "select batch_id from pgq_topic.next_batch_events('g_sync', 'g', 0, 0, 10) where batch_id is not null";
        String durability = "select current_setting('synchronous_commit')";
        sql.execute("set synchronous_commit = on");   // test servers may run with it off
        for (boolean wroteBefore : new boolean[] {false, true}) {
            sql.execute("select pgq_topic.insert_event('g_sync', 'k', 't', 'e')");
            sql.tick("g_sync.p0");
            sql.begin();
            if (wroteBefore) {
                sql.execute("select txid_current()");
            }
            String batch = sql.scalar(events);
            assertThat(sql.scalar(durability)).as("after opening, wrote before: %s", wroteBefore)
                    .isEqualTo(wroteBefore ? "on" : "off");
            sql.commit();
            sql.execute("select pgq_topic.finish_batch('g_sync', 'g', 'm', 0, 1, ?::int8)", batch);
        }
        assertThat(sql.scalar(durability)).as("the session's own setting").isEqualTo("on");
    }

    @Test
    void finishingAndOpeningCommitsAsynchronouslyOnlyInATransactionOfItsOwn() throws Exception {
        sql.execute("select pgq_topic.create_topic('g_fsync', 1)");
        sql.execute("select pgq.set_queue_config('g_fsync.p0', 'ticker_max_lag', '0')");
        heartbeat("g_fsync", "m");
        String durability = "select current_setting('synchronous_commit')";
        sql.execute("set synchronous_commit = on");   // test servers may run with it off
        sql.execute("select pgq_topic.insert_event('g_fsync', 'k', 't', 'e')");
        sql.tick("g_fsync.p0");
        String batch = sql.scalar("select batch_id from pgq_topic.next_batch_events('g_fsync', 'g', 0, 0, 10) "
                + "where batch_id is not null");
        for (boolean wroteBefore : new boolean[] {false, true}) {
            sql.execute("select pgq_topic.insert_event('g_fsync', 'k', 't', 'e')");
            sql.tick("g_fsync.p0");
            sql.begin();
            if (wroteBefore) {
                sql.execute("select txid_current()");
            }
            String next = sql.scalar("select batch_id from pgq_topic.finish_and_next_batch_events('g_fsync', 'g', 'm', 0, 1, "
                    + "?::int8, 10) where batch_id is not null", batch);
            assertThat(sql.scalar(durability)).as("after finishing and opening, wrote before: %s", wroteBefore)
                    .isEqualTo(wroteBefore ? "on" : "off");
            sql.commit();
            assertThat(next).as("the next batch").isNotNull().isNotEqualTo(batch);
            batch = next;
        }
        assertThat(sql.scalar(durability)).as("the session's own setting").isEqualTo("on");
    }

    @Test
    void badMemberInputIsRefused() throws SQLException {
        sql.execute("select pgq_topic.create_topic('g_bad', 2)");
        sql.assertSqlError("select * from pgq_topic.heartbeat('g_bad', 'g', 'm', '10 ms')",
                "invalid session timeout 00:00:00.01 for member \"m\": it must be between 100 ms and 1 hour");
        sql.assertSqlError("select * from pgq_topic.heartbeat('g_bad', 'bad group', 'm', '10 s')",
                "invalid group name \"bad group\": use 1 to 128 letters, digits, '_', '.', '-' or ':'");
        sql.assertSqlError("select * from pgq_topic.heartbeat('g_none', 'g', 'm', '10 s')",
                "topic \"g_none\" does not exist: create it with pgq_topic.create_topic");
        sql.assertSqlError("select * from pgq_topic.heartbeat('g_bad', 'g', '', '10 s')",
                "invalid member id \"\": use 1 to 200 characters");
    }
}
