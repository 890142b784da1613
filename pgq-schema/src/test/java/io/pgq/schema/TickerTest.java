package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The three ticker forms and force_tick (reference §2.7, §3.5). */
class TickerTest extends SchemaTestCase {

    @BeforeEach
    void startWithoutQueues() throws SQLException {
        // ticker() works on all queues of the database: start each test without queues
        dropAllQueues();
    }

    @Test
    void eagerQueueTicksOnEveryCallWithIncreasingIds() throws SQLException {
        sql.createEagerQueue("t_eager");
        long first = sql.tick("t_eager");
        assertThat(sql.tick("t_eager")).isEqualTo(first + 1);
        sql.insert("t_eager", "e");
        assertThat(sql.tick("t_eager")).isEqualTo(first + 2);
        Map<String, String> tick = sql.record("select tick_event_seq, tick_snapshot::text,"
                + " tick_time = (select max(tick_time) from pgq.tick where tick_queue = t.tick_queue) as newest"
                + " from pgq.tick t where tick_queue = ? and tick_id = ?", sql.queueId("t_eager"), first + 2);
        assertThat(tick).containsEntry("tick_event_seq", sql.scalar("select pgq.seq_getval(queue_event_seq)::text"
                + " from pgq.queue where queue_name = 't_eager'")).containsEntry("newest", "t");
    }

    @Test
    void busyQueueTicksOnceMaxCountEventsAccumulatedOrTheLastTickIsMaxLagOld() throws SQLException {
        sql.execute("select pgq.create_queue('t_busy')");
        sql.execute("select pgq.set_queue_config('t_busy', 'ticker_max_count', '5')");
        long qid = sql.queueId("t_busy");
        sql.insert("t_busy", "warm-up");
        sql.execute("select pgq.force_tick('t_busy')");
        long last = sql.tick("t_busy");

        sql.insert("t_busy", "1", "2", "3", "4");
        assertThat(sql.scalar("select pgq.ticker('t_busy')")).as("4 < 5 events, lag < 3 s").isNull();
        sql.insert("t_busy", "5");
        assertThat(sql.scalar("select pgq.ticker('t_busy')")).as("5 events").isEqualTo(String.valueOf(last + 1));

        sql.insert("t_busy", "6");
        assertThat(sql.scalar("select pgq.ticker('t_busy')")).isNull();
        setTickAge(qid, last + 1, "2 seconds");
        assertThat(sql.scalar("select pgq.ticker('t_busy')")).as("lag 2 s < max_lag 3 s").isNull();
        setTickAge(qid, last + 1, "3 seconds");
        assertThat(sql.scalar("select pgq.ticker('t_busy')")).as("lag >= max_lag").isEqualTo(String.valueOf(last + 2));
    }

    @Test
    void idleQueueTickBackOffGeometricallyUpToTheIdlePeriod() throws SQLException {
        sql.execute("select pgq.create_queue('t_idle')");
        long qid = sql.queueId("t_idle");
        assertThat(sql.scalar("select pgq.ticker('t_idle')")).as("only one tick: ticks").isEqualTo("2");

        setTickAge(qid, 1, "10 seconds");
        setTickAge(qid, 2, "1 second");
        assertThat(sql.scalar("select pgq.ticker('t_idle')")).as("lag < max_lag/2").isNull();

        setTickAge(qid, 1, "6 seconds");
        setTickAge(qid, 2, "2 seconds");
        assertThat(sql.scalar("select pgq.ticker('t_idle')")).as("lag 2 s < 2 x (4 s gap)").isNull();

        setTickAge(qid, 1, "7 seconds");
        setTickAge(qid, 2, "5 seconds");
        assertThat(sql.scalar("select pgq.ticker('t_idle')")).as("lag 5 s >= 2 x (2 s gap)").isEqualTo("3");

        setTickAge(qid, 2, "161 seconds");
        setTickAge(qid, 3, "61 seconds");
        assertThat(sql.scalar("select pgq.ticker('t_idle')")).as("lag 61 s < 2 x (100 s gap) but >= idle period 60 s")
                .isEqualTo("4");
        setTickAge(qid, 3, "159 seconds");
        setTickAge(qid, 4, "59 seconds");
        assertThat(sql.scalar("select pgq.ticker('t_idle')")).as("lag 59 s < 2 x (100 s gap) and < idle period").isNull();
    }

    /**
     * A producer takes its event's id from the event sequence before it commits. A tick taken in
     * between counts the event but cannot see it; with no later event the queue then looked idle
     * and the event waited for the idle back-off. Both ticker forms tick it at the lag cap, and
     * only then: a queue whose newest tick saw all it counted keeps backing off.
     */
    @Test
    void anEventCommittedAfterTheTickThatCountedItIsTickedAtTheLagCapNotAfterTheIdleBackOff() throws SQLException {
        for (boolean allQueues : new boolean[] {false, true}) {
            dropAllQueues();
            sql.execute("select pgq.create_queue('t_late')");
            sql.execute("select pgq.set_queue_config('t_late', 'ticker_idle_period', '1 day')");
            long qid = sql.queueId("t_late");
            sql.execute("select pgq.register_consumer('t_late', 'c')");
            sql.insert("t_late", "warm-up");  // a fresh sequence's first value does not move it
            setTickAge(qid, 1, "1 hour");
            assertThat(tick(allQueues)).as("a second tick").isTrue();

            try (Sql producer = Sql.connect(db)) {
                producer.execute("begin");
                producer.execute("select pgq.insert_event('t_late', 'test', 'late')");
                setTickAge(qid, 2, "1 hour");
                assertThat(tick(allQueues)).as("tick 3 counts the uncommitted event").isTrue();
                if (allQueues) {
                    assertThat(Long.parseLong(lastDue)).as("a queue ticked with events is due again at its lag cap (3 s)")
                            .isBetween(2_900L, 3_000L);
                }
                producer.execute("commit");
            }
            setTickAge(qid, 2, "1 hour");
            setTickAge(qid, 3, "2 seconds");
            assertThat(tick(allQueues)).as("lag 2 s < max_lag 3 s").isFalse();
            setTickAge(qid, 3, "4 seconds");
            assertThat(tick(allQueues)).as("lag 4 s < 2 x (1 hour gap), but past the lag cap with a late event").isTrue();
            setTickAge(qid, 3, "1 hour");
            setTickAge(qid, 4, "4 seconds");
            assertThat(tick(allQueues)).as("no event since tick 4: back-off").isFalse();

            assertThat(nextBatchEvents()).as("batch 1-2").containsExactly("warm-up");
            assertThat(nextBatchEvents()).as("batch 2-3: the tick that could not see it").isEmpty();
            assertThat(nextBatchEvents()).as("batch 3-4").containsExactly("late");

            sql.insert("t_late", "on time");
            setTickAge(qid, 4, "1 hour");
            assertThat(tick(allQueues)).as("tick 5 sees its event").isTrue();
            setTickAge(qid, 4, "2 hours");
            setTickAge(qid, 5, "4 seconds");
            assertThat(tick(allQueues)).as("lag 4 s < 2 x (1 hour gap), nothing late").isFalse();
        }
    }

    /**
     * However many queues may hold a late event, one pass of pgq.ticker() probes the tables of
     * at most 4, those that passed their lag cap last first; the others wait for a later pass.
     */
    @Test
    void tickerForAllQueuesProbesAtMostFourQueuesForLateEventsPerPass() throws SQLException {
        int queues = 6;
        java.util.List<Long> ids = new java.util.ArrayList<>();
        for (int i = 1; i <= queues; i++) {
            String queue = String.format("t_many_%02d", i);
            sql.execute("select pgq.create_queue(?)", queue);
            sql.execute("select pgq.set_queue_config(?, 'ticker_idle_period', '1 day')", queue);
            sql.insert(queue, "warm-up");  // a fresh sequence's first value does not move it
            ids.add(sql.queueId(queue));
        }
        for (long qid : ids) {
            setTickAge(qid, 1, "2 hours");
        }
        assertThat(sql.scalar("select pgq.ticker()::text")).as("tick 2 of every queue").isEqualTo(String.valueOf(queues));
        try (Sql producer = Sql.connect(db)) {
            producer.execute("begin");
            for (int i = 1; i <= queues; i++) {
                producer.execute("select pgq.insert_event(?, 'test', 'late')", String.format("t_many_%02d", i));
            }
            for (long qid : ids) {
                setTickAge(qid, 2, "1 hour");
            }
            assertThat(sql.scalar("select pgq.ticker()::text")).as("tick 3 counts the uncommitted events")
                    .isEqualTo(String.valueOf(queues));
            producer.execute("commit");
        }
        for (int i = 0; i < queues; i++) {
            setTickAge(ids.get(i), 3, (4 + i) + " seconds");  // past the 3 s lag cap, t_many_01 last
        }
        assertThat(sql.scalar("select pgq.ticker()::text")).as("4 probed, 4 late events ticked").isEqualTo("4");
        assertThat(sql.rows("select queue_name from pgq.get_queue_info() where last_tick_id = 4 order by 1"))
                .as("the queues that passed their lag cap last").hasSize(4)
                .allSatisfy(row -> assertThat(row.get(0)).isLessThanOrEqualTo("t_many_04"));
        assertThat(sql.scalar("select pgq.ticker()::text")).as("the other 2 in the next pass").isEqualTo("2");
    }

    /** What the last {@link #tick} pass of pgq.ticker() left in pgq.ticker_next_due. */
    private String lastDue;

    /** One pass of pgq.ticker() or one call of pgq.ticker('t_late'): whether t_late got a tick. */
    private boolean tick(boolean allQueues) throws SQLException {
        if (allQueues) {
            Map<String, String> pass = tickAll();
            lastDue = pass.get("due");
            return !"0".equals(pass.get("ticked"));
        }
        return sql.scalar("select pgq.ticker('t_late')::text") != null;
    }

    /** The event data of consumer c's next batch on t_late, which is then finished. */
    private java.util.List<String> nextBatchEvents() throws SQLException {
        String batch = sql.scalar("select pgq.next_batch('t_late', 'c')::text");
        java.util.List<String> data = sql.rows("select ev_data from pgq.get_batch_events(?::bigint) order by ev_id", batch)
                .stream().map(r -> r.get(0)).toList();
        sql.execute("select pgq.finish_batch(?::bigint)", batch);
        return data;
    }

    @Test
    void tickerForOneQueueRefusesPausedExternalAndUnknownQueues() throws SQLException {
        sql.createEagerQueue("t_paused");
        sql.execute("select pgq.set_queue_config('t_paused', 'ticker_paused', 'true')");
        sql.createEagerQueue("t_external");
        sql.execute("select pgq.set_queue_config('t_external', 'external_ticker', 'true')");

        sql.assertSqlError("select pgq.ticker('t_paused')", "Ticker has been paused for this queue");
        sql.assertSqlError("select pgq.ticker('t_external')", "This queue has external tick source.");
        sql.assertSqlError("select pgq.ticker('t_nosuch')", "no such queue");
    }

    @Test
    void tickerForAllQueuesSkipsPausedAndExternalQueuesAndCountsTicks() throws SQLException {
        sql.createEagerQueue("t_all_a");
        sql.createEagerQueue("t_all_b");
        sql.execute("select pgq.create_queue('t_all_quiet')");
        sql.execute("select pgq.set_queue_config('t_all_quiet', 'ticker_max_lag', '1 hour')");
        sql.execute("select pgq.set_queue_config('t_all_quiet', 'ticker_idle_period', '1 hour')");
        sql.execute("select pgq.ticker('t_all_quiet')"); // second tick: now the back-off applies
        sql.createEagerQueue("t_all_paused");
        sql.execute("select pgq.set_queue_config('t_all_paused', 'ticker_paused', 'true')");
        sql.createEagerQueue("t_all_external");
        sql.execute("select pgq.set_queue_config('t_all_external', 'external_ticker', 'true')");

        assertThat(sql.scalar("select pgq.ticker()")).isEqualTo("2");
        assertThat(sql.rows("select queue_name, last_tick_id::text from pgq.get_queue_info()")).containsExactly(
                java.util.List.of("t_all_a", "2"), java.util.List.of("t_all_b", "2"),
                java.util.List.of("t_all_external", "1"), java.util.List.of("t_all_paused", "1"),
                java.util.List.of("t_all_quiet", "2"));
    }

    @Test
    void tickerForAllQueuesDecidesAsTheOneQueueFormAndSaysWhenTheNextQueueIsDue() throws SQLException {
        sql.execute("select pgq.create_queue('t_due_idle')");
        long idle = sql.queueId("t_due_idle");
        sql.execute("select pgq.ticker('t_due_idle')");  // a second tick: the back-off applies
        sql.execute("select pgq.create_queue('t_due_busy')");
        sql.execute("select pgq.set_queue_config('t_due_busy', 'ticker_max_count', '5')");
        sql.execute("select pgq.set_queue_config('t_due_busy', 'ticker_max_lag', '1 hour')");
        long busy = sql.queueId("t_due_busy");
        sql.insert("t_due_busy", "warm-up");  // a fresh sequence's first value does not move it
        sql.execute("select pgq.ticker('t_due_busy')");

        setTickAges(idle, "6 seconds", "2 seconds");  // one statement: the gap is exactly 4 s
        sql.insert("t_due_busy", "1", "2", "3", "4");
        setTickAge(busy, 2, "10 minutes");
        assertThat(tickAll()).as("idle: lag 2 s < 2 x (4 s gap); busy: 4 < 5 events, lag 10 min < 1 hour")
                .containsEntry("ticked", "0");
        assertThat(Long.parseLong(tickAll().get("due"))).as("idle queue due at 2 x 4 s gap, in about 6 s")
                .isBetween(3_000L, 6_000L);

        setTickAges(idle, "8 seconds", "7 seconds");
        Map<String, String> pass = tickAll();
        assertThat(pass).as("idle: lag 7 s >= 2 x (1 s gap)").containsEntry("ticked", "1");
        assertThat(Long.parseLong(pass.get("due"))).as("an idle queue just ticked is due again at twice its new gap (7 s)")
                .isBetween(13_000L, 15_000L);
        assertThat(sql.record("select tick_id::text, tick_event_seq = pgq.seq_getval(queue_event_seq) as seq_now,"
                        + " txid_snapshot_xmax(tick_snapshot) <= txid_current() as snapshot_past"
                        + " from pgq.tick join pgq.queue on queue_id = tick_queue where tick_queue = ?"
                        + " order by tick_id desc limit 1", idle))
                .containsEntry("tick_id", "3").containsEntry("seq_now", "t").containsEntry("snapshot_past", "t");

        setTickAge(idle, 3, "2 seconds");
        setTickAge(busy, 2, "59 minutes 58 seconds");
        assertThat(Long.parseLong(tickAll().get("due"))).as("busy queue at its lag cap, in about 2 s")
                .isBetween(1_000L, 2_000L);
        sql.insert("t_due_busy", "5");
        assertThat(tickAll()).as("5 events").containsEntry("ticked", "1");
        assertThat(sql.scalar("select max(tick_id)::text from pgq.tick where tick_queue = ?", busy)).isEqualTo("3");
    }

    @Test
    void aPassAlsoTicksTheIdleQueuesThatWaitedTwoThirdsOfTheirBackOffSoThatTheirTicksComeTogether()
            throws SQLException {
        Map<String, Long> ids = new java.util.LinkedHashMap<>();
        for (String q : List.of("t_co_due", "t_co_near", "t_co_far")) {
            sql.execute("select pgq.create_queue(?)", q);
            sql.execute("select pgq.ticker(?)", q);   // a second tick: the back-off applies
            ids.put(q, sql.queueId(q));
        }
        setTickAges(ids.get("t_co_due"), "12 seconds", "8 seconds");    // gap 4 s, lag 8 s: due now
        setTickAges(ids.get("t_co_near"), "10 seconds", "6 seconds");   // due in 2 s: waited 3/4 of 8 s
        setTickAges(ids.get("t_co_far"), "8 seconds", "4 seconds");     // due in 4 s: waited half of 8 s

        Map<String, String> pass = tickAll();
        assertThat(pass).as("the due queue and the one within a third of its back-off").containsEntry("ticked", "2");
        for (Map.Entry<String, Long> q : ids.entrySet()) {
            assertThat(sql.scalar("select count(*)::text from pgq.tick where tick_queue = ?", q.getValue()))
                    .as("ticks of %s", q.getKey()).isEqualTo(q.getKey().equals("t_co_far") ? "2" : "3");
        }
        assertThat(Long.parseLong(pass.get("due"))).as("the far queue, due in about 4 s").isBetween(3_000L, 4_000L);
    }

    @Test
    void tickerForAllQueuesWithoutQueuesReportsNothingDue() throws SQLException {
        assertThat(tickAll()).containsEntry("ticked", "0").containsEntry("due", "");
    }

    @Test
    void tickerForAllQueuesRefusesAnImpossibleNewestTickAsTheOneQueueFormDoes() throws SQLException {
        sql.createEagerQueue("t_all_broken");
        sql.createEagerQueue("t_all_fine");
        sql.execute("update pgq.tick set tick_snapshot = ((txid_current() + 1000) || ':' || (txid_current() + 1000) || ':')::txid_snapshot"
                + " where tick_queue = ?", sql.queueId("t_all_broken"));
        assertThat(sql.error("select pgq.ticker()")).startsWith("Invalid PgQ state: old xmin=");
        assertThat(sql.scalar("select count(*)::text from pgq.tick where tick_queue = ?", sql.queueId("t_all_fine")))
                .as("nothing ticked").isEqualTo("1");
    }

    /** One pgq.ticker() pass: the queues ticked and the pgq.ticker_next_due it left, in milliseconds. */
    private Map<String, String> tickAll() throws SQLException {
        return sql.record("select pgq.ticker()::text as ticked, current_setting('pgq.ticker_next_due', true) as due");
    }

    @Test
    void externalTickerInsertsTheGivenTickAndMovesSequencesForward() throws SQLException {
        sql.createEagerQueue("t_ext");
        sql.execute("select pgq.set_queue_config('t_ext', 'external_ticker', 'true')");
        long qid = sql.queueId("t_ext");
        String time = sql.scalar("select (date_trunc('second', now()) + interval '1 day')::text");

        assertThat(sql.scalar("select pgq.ticker('t_ext', 10, ?::timestamptz, 500)", time)).isEqualTo("10");
        assertThat(sql.record("select tick_time = ?::timestamptz as time_ok, tick_event_seq,"
                + " tick_snapshot::text <> '' as has_snapshot from pgq.tick where tick_queue = ? and tick_id = 10", time, qid))
                .containsEntry("time_ok", "t").containsEntry("tick_event_seq", "500").containsEntry("has_snapshot", "t");
        assertThat(sql.scalar("select pgq.seq_getval(queue_tick_seq) from pgq.queue where queue_name = 't_ext'")).isEqualTo("10");
        assertThat(sql.scalar("select pgq.seq_getval(queue_event_seq) from pgq.queue where queue_name = 't_ext'")).isEqualTo("500");
        assertThat(sql.scalar("select pgq.ticker('t_ext', 11, now() + interval '2 days', 600)")).isEqualTo("11");
        assertThat(sql.scalar("select last_tick_id from pgq.get_queue_info('t_ext')")).isEqualTo("11");
    }

    /** Our addition (§9.2 item 10): an external tick must not go back. */
    @Test
    void externalTickerRefusesTicksThatAreNotNewer() throws SQLException {
        sql.createEagerQueue("t_mono");
        sql.execute("select pgq.set_queue_config('t_mono', 'external_ticker', 'true')");
        long qid = sql.queueId("t_mono");
        sql.execute("select pgq.ticker('t_mono', 10, now() + interval '1 day', 500)");

        sql.error("select pgq.ticker('t_mono', 5, now() + interval '2 days', 600)");
        sql.error("select pgq.ticker('t_mono', 10, now() + interval '2 days', 600)");
        assertThat(sql.column("select tick_id from pgq.tick where tick_queue = ? order by tick_id", qid)).containsExactly("1", "10");
    }

    @Test
    void externalTickerRefusesInternalAndPausedQueues() throws SQLException {
        sql.createEagerQueue("t_int");
        sql.assertSqlError("select pgq.ticker('t_int', 5, now(), 10)", "queue not found or ticker disabled: t_int");
        sql.createEagerQueue("t_ext_paused");
        sql.execute("select pgq.set_queue_config('t_ext_paused', 'external_ticker', 'true')");
        sql.execute("select pgq.set_queue_config('t_ext_paused', 'ticker_paused', 'true')");
        sql.assertSqlError("select pgq.ticker('t_ext_paused', 5, now(), 10)", "queue not found or ticker disabled: t_ext_paused");
        sql.assertSqlError("select pgq.ticker('t_nosuch', 5, now(), 10)", "queue not found or ticker disabled: t_nosuch");
    }

    @Test
    void forceTickMakesTheNextTickerRunTick() throws SQLException {
        sql.execute("select pgq.create_queue('t_force')");
        sql.execute("select pgq.ticker('t_force')");
        sql.insert("t_force", "warm-up"); // the sequence's first nextval does not move last_value
        assertThat(sql.scalar("select pgq.ticker('t_force')")).as("young newest tick").isNull();
        long seqBefore = sql.scalarLong("select pgq.seq_getval(queue_event_seq) from pgq.queue where queue_name = 't_force'");

        assertThat(sql.scalar("select pgq.force_tick('t_force')")).as("current last tick").isEqualTo("2");
        assertThat(sql.scalarLong("select pgq.seq_getval(queue_event_seq) from pgq.queue where queue_name = 't_force'"))
                .as("nextval + 2 * max_count + 1000").isEqualTo(seqBefore + 1 + 2 * 500 + 1000);
        assertThat(sql.scalar("select pgq.ticker('t_force')")).isEqualTo("3");
    }

    @Test
    void forceTickDoesNothingForPausedOrExternalQueues() throws SQLException {
        for (String param : new String[] {"ticker_paused", "external_ticker"}) {
            String queue = "t_force_" + param;
            sql.execute("select pgq.create_queue(?)", queue);
            sql.execute("select pgq.set_queue_config(?, ?, 'true')", queue, param);
            String seqSql = "select pgq.seq_getval(queue_event_seq) from pgq.queue where queue_name = ?";
            String before = sql.scalar(seqSql, queue);
            sql.execute("select pgq.force_tick(?)", queue);
            assertThat(sql.scalar(seqSql, queue)).as(param).isEqualTo(before);
        }
    }

    @Test
    void tickerRefusesAnImpossibleNewestTick() throws SQLException {
        sql.createEagerQueue("t_broken");
        long qid = sql.queueId("t_broken");
        sql.execute("update pgq.tick set tick_snapshot = ((txid_current() + 1000) || ':' || (txid_current() + 1000) || ':')::txid_snapshot"
                + " where tick_queue = ?", qid);
        assertThat(sql.error("select pgq.ticker('t_broken')")).startsWith("Invalid PgQ state: old xmin=");
    }

    /** Ages ticks 1 and 2 of a queue from one {@code now()}, so that their gap is exactly the difference. */
    private void setTickAges(long queueId, String firstAge, String secondAge) throws SQLException {
        sql.execute("update pgq.tick set tick_time = now() - (case tick_id when 1 then ? else ? end)::interval"
                + " where tick_queue = ? and tick_id in (1, 2)", firstAge, secondAge, queueId);
    }

    private void setTickAge(long queueId, long tickId, String age) throws SQLException {
        sql.execute("update pgq.tick set tick_time = now() - ?::interval where tick_queue = ? and tick_id = ?", age, queueId, tickId);
    }
}
