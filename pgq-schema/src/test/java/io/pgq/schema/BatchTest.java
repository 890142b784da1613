package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * next_batch*, find_tick_helper, get_batch_events, get_batch_cursor, finish_batch,
 * batch_event_sql and batch_event_tables (reference §2.4, §2.5, §3.2, §3.3, §3.6).
 */
class BatchTest extends SchemaTestCase {

    static final List<String> ALL_NULL = Collections.nCopies(7, null);


    @Test
    void nextBatchIsIdempotentUntilFinishedAndNullWhenThereIsNothing() throws SQLException {
        sql.createEagerQueue("b_idem");
        sql.execute("select pgq.register_consumer('b_idem', 'c')");
        assertThat(sql.nextBatch("b_idem", "c")).isNull();
        assertThat(sql.rows("select * from pgq.next_batch_info('b_idem', 'c')")).containsExactly(ALL_NULL);

        sql.insert("b_idem", "e1");
        long tick = sql.tick("b_idem");
        List<String> columns = sql.columnLabels("select * from pgq.next_batch_info('b_idem', 'c')");
        assertThat(columns).containsExactly("batch_id", "cur_tick_id", "prev_tick_id", "cur_tick_time",
                "prev_tick_time", "cur_tick_event_seq", "prev_tick_event_seq");
        Map<String, String> info = sql.record("select * from pgq.next_batch_info('b_idem', 'c')");
        assertThat(info).containsEntry("cur_tick_id", String.valueOf(tick))
                .containsEntry("prev_tick_id", String.valueOf(tick - 1));
        Map<String, String> ticks = sql.record("select cur.tick_time::text as cur_tick_time, prev.tick_time::text as prev_tick_time,"
                + " cur.tick_event_seq::text as cur_seq, prev.tick_event_seq::text as prev_seq from pgq.tick cur, pgq.tick prev"
                + " where cur.tick_queue = ? and prev.tick_queue = cur.tick_queue and cur.tick_id = ? and prev.tick_id = ?",
                sql.queueId("b_idem"), tick, tick - 1);
        assertThat(info).containsEntry("cur_tick_time", ticks.get("cur_tick_time"))
                .containsEntry("prev_tick_time", ticks.get("prev_tick_time"))
                .containsEntry("cur_tick_event_seq", ticks.get("cur_seq"))
                .containsEntry("prev_tick_event_seq", ticks.get("prev_seq"));

        sql.insert("b_idem", "e2");
        sql.tick("b_idem");
        assertThat(sql.record("select * from pgq.next_batch_info('b_idem', 'c')")).isEqualTo(info);
        assertThat(sql.record("select * from pgq.next_batch_custom('b_idem', 'c', '1 hour', 100000, '1 day')"))
                .as("an open batch is returned whatever the knobs").isEqualTo(info);
        long batch = Long.parseLong(info.get("batch_id"));
        assertThat(sql.nextBatch("b_idem", "c")).isEqualTo(batch);
        assertThat(sql.batchData(batch)).containsExactly("e1");

        assertThat(sql.scalar("select pgq.finish_batch(?)", batch)).isEqualTo("1");
        assertThat(sql.takeWarnings()).isEmpty();
        Long second = sql.nextBatch("b_idem", "c");
        assertThat(second).isNotNull().isNotEqualTo(batch);
        assertThat(sql.batchData(second)).containsExactly("e2");
        sql.execute("select pgq.finish_batch(?)", second);
        assertThat(sql.nextBatch("b_idem", "c")).isNull();
    }

    @Test
    void emptyBatchesAreNormalAndMustBeFinished() throws SQLException {
        sql.createEagerQueue("b_empty");
        sql.execute("select pgq.register_consumer('b_empty', 'c')");
        sql.tick("b_empty");
        sql.tick("b_empty");
        assertThat(sql.consume("b_empty", "c")).isEmpty();
        sql.insert("b_empty", "e");
        sql.tick("b_empty");
        assertThat(sql.consume("b_empty", "c")).as("one tick per batch without knobs").isEmpty();
        assertThat(sql.consume("b_empty", "c")).containsExactly("e");
    }

    @Test
    void nextBatchErrors() throws SQLException {
        sql.createEagerQueue("b_errors");
        sql.assertSqlError("select pgq.next_batch('b_errors', 'nobody')", "Not subscriber to queue: b_errors/nobody");
        sql.assertSqlError("select pgq.next_batch_custom('b_nosuch', 'nobody', null, null, null)",
                "Not subscriber to queue: b_nosuch/nobody");
    }

    @Test
    void finishBatchOfAnUnknownBatchWarnsAndReturnsZero() throws SQLException {
        sql.takeWarnings();
        assertThat(sql.scalar("select pgq.finish_batch(987654)")).isEqualTo("0");
        assertThat(sql.takeWarnings()).containsExactly("finish_batch: batch 987654 not found");
    }

    /** The documented test of §3.6: after 3 events and one tick, each knob alone holds the batch back. */
    @Test
    void nextBatchCustomKnobsHoldBackSmallYoungBatches() throws SQLException {
        sql.createEagerQueue("b_knobs");
        sql.execute("select pgq.register_consumer('b_knobs', 'c')");
        sql.insert("b_knobs", "1", "2", "3");
        sql.tick("b_knobs");

        assertThat(sql.rows("select * from pgq.next_batch_custom('b_knobs', 'c', '1 hour', null, null)")).containsExactly(ALL_NULL);
        assertThat(sql.rows("select * from pgq.next_batch_custom('b_knobs', 'c', null, 10000, null)")).containsExactly(ALL_NULL);
        assertThat(sql.rows("select * from pgq.next_batch_custom('b_knobs', 'c', null, null, '10 minutes')")).containsExactly(ALL_NULL);
        assertThat(sql.scalar("select sub_batch from pgq.subscription where sub_queue = ?", sql.queueId("b_knobs"))).isNull();

        // satisfied knobs give the batch
        assertThat(sql.scalar("select batch_id from pgq.next_batch_custom('b_knobs', 'c', '0', null, null)")).isNotNull();
    }

    @Test
    void minLagKeepsTheConsumerBehindTheHead() throws SQLException {
        sql.createEagerQueue("b_lag");
        sql.execute("select pgq.register_consumer('b_lag', 'c')");
        sql.insert("b_lag", "old");
        long tick = sql.tick("b_lag");
        sql.execute("update pgq.tick set tick_time = now() - interval '2 hours' where tick_queue = ? and tick_id = ?",
                sql.queueId("b_lag"), tick);
        assertThat(sql.scalar("select cur_tick_id from pgq.next_batch_custom('b_lag', 'c', '1 hour', null, null)"))
                .isEqualTo(String.valueOf(tick));
    }

    /**
     * Ticks 1 event apart after the consumer's position; find_tick_helper takes the newest tick
     * unless it overshoots a threshold by more than 2x, then the first tick meeting one.
     */
    @Test
    void minCountMergesTicksAndFindTickHelperFollowsTheOvershootRule() throws SQLException {
        sql.createEagerQueue("b_count");
        sql.insert("b_count", "warm-up");
        sql.tick("b_count");
        sql.execute("select pgq.register_consumer('b_count', 'c')");
        long qid = sql.queueId("b_count");
        Map<String, String> start = sql.record("select tick_id, tick_time, tick_event_seq from pgq.tick where tick_queue = ?"
                + " order by tick_id desc limit 1", qid);
        long startTick = Long.parseLong(start.get("tick_id"));
        List<Long> ticks = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            sql.insert("b_count", "e" + i);
            ticks.add(sql.tick("b_count"));
        }
        assertThat(sql.column("select tick_event_seq - ? from pgq.tick where tick_queue = ? and tick_id > ? order by tick_id",
                Long.parseLong(start.get("tick_event_seq")), qid, startTick)).containsExactly("1", "2", "3", "4", "5");

        String helper = "select next_tick_id from pgq.find_tick_helper(?::int4, ?, ?::timestamptz, ?, ?, ?::interval)";
        Object[] prev = {qid, startTick, start.get("tick_time"), Long.parseLong(start.get("tick_event_seq"))};
        assertThat(sql.scalar(helper, concat(prev, 3L, null))).as("newest (5) within 2x of 3").isEqualTo(ticks.get(4).toString());
        assertThat(sql.scalar(helper, concat(prev, 2L, null))).as("newest (5) overshoots 2x2: first with >= 2").isEqualTo(ticks.get(1).toString());
        assertThat(sql.scalar(helper, concat(prev, 5L, null))).isEqualTo(ticks.get(4).toString());
        assertThat(sql.scalar(helper, concat(prev, 6L, null))).as("no threshold met").isNull();
        assertThat(sql.columnLabels("select * from pgq.find_tick_helper(1, 1, now(), 1, 1, null)"))
                .containsExactly("next_tick_id", "next_tick_time", "next_tick_seq");

        assertThat(sql.record("select cur_tick_id, prev_tick_id from pgq.next_batch_custom('b_count', 'c', null, 2, null)"))
                .containsEntry("cur_tick_id", ticks.get(1).toString()).containsEntry("prev_tick_id", String.valueOf(startTick));
        assertThat(sql.consume("b_count", "c")).containsExactly("e1", "e2");
        assertThat(sql.scalar("select cur_tick_id from pgq.next_batch_custom('b_count', 'c', null, 3, null)"))
                .isEqualTo(ticks.get(4).toString());
        assertThat(sql.consume("b_count", "c")).containsExactly("e3", "e4", "e5");
    }

    @Test
    void minIntervalMergesTicksByTime() throws SQLException {
        sql.createEagerQueue("b_interval");
        sql.execute("select pgq.register_consumer('b_interval', 'c')");
        long qid = sql.queueId("b_interval");
        long startTick = sql.scalarLong("select max(tick_id) from pgq.tick where tick_queue = ?", qid);
        List<Long> ticks = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ticks.add(sql.tick("b_interval"));
        }
        // tick k is k minutes after the start tick
        sql.execute("update pgq.tick set tick_time = '2024-01-01 00:00:00+00'::timestamptz + (tick_id - ?) * interval '1 minute'"
                + " where tick_queue = ? and tick_id >= ?", startTick, qid, startTick);

        assertThat(sql.scalar("select cur_tick_id from pgq.next_batch_custom('b_interval', 'c', null, null, '3 minutes')"))
                .as("newest (5 min) within 2x of 3 min").isEqualTo(ticks.get(4).toString());
        sql.execute("select pgq.register_consumer_at('b_interval', 'c', ?)", startTick);
        assertThat(sql.scalar("select cur_tick_id from pgq.next_batch_custom('b_interval', 'c', null, null, '2 minutes')"))
                .as("newest overshoots 2x2 min: first tick 2 min after").isEqualTo(ticks.get(1).toString());
        sql.execute("select pgq.register_consumer_at('b_interval', 'c', ?)", startTick);
        assertThat(sql.rows("select * from pgq.next_batch_custom('b_interval', 'c', null, null, '6 minutes')")).containsExactly(ALL_NULL);
        assertThat(sql.scalar("select cur_tick_id from pgq.next_batch_custom('b_interval', 'c', null, 1000, '1 minute')"))
                .as("count and interval are OR-ed").isNotNull();
    }

    @Test
    void batchContainsEventsVisibleInTheEndTickButNotTheStartTickOrderedById() throws Exception {
        sql.createEagerQueue("b_vis");
        sql.execute("select pgq.register_consumer('b_vis', 'c')");
        try (Sql longTx = Sql.connect(db); Sql other = Sql.connect(db)) {
            longTx.begin();
            longTx.insert("b_vis", "long-1");
            other.begin();
            other.insert("b_vis", "short-1", "short-2");
            other.commit();
            longTx.insert("b_vis", "long-2");
            sql.tick("b_vis");
            assertThat(sql.consume("b_vis", "c")).as("open transaction not yet visible").containsExactly("short-1", "short-2");
            sql.tick("b_vis");
            assertThat(sql.consume("b_vis", "c")).as("still open").isEmpty();
            longTx.commit();
            other.insert("b_vis", "after");
            sql.tick("b_vis");
            assertThat(sql.consume("b_vis", "c")).as("ordered by ev_id").containsExactly("long-1", "long-2", "after");

            longTx.begin();
            longTx.insert("b_vis", "rolled-back");
            longTx.rollback();
            sql.tick("b_vis");
            assertThat(sql.consume("b_vis", "c")).isEmpty();
        }
    }

    @Test
    void getBatchEventsReturnsTheTenColumnsAndFailsForUnknownOrFinishedBatches() throws SQLException {
        sql.createEagerQueue("b_cols");
        sql.execute("select pgq.register_consumer('b_cols', 'c')");
        sql.begin();
        long id = sql.scalarLong("select pgq.insert_event('b_cols', 'ty', 'da', 'x1', 'x2', 'x3', 'x4')");
        Map<String, String> tx = sql.record("select txid_current()::text as txid, now()::text as now");
        sql.commit();
        sql.tick("b_cols");
        Long batch = sql.nextBatch("b_cols", "c");

        assertThat(sql.columnLabels("select * from pgq.get_batch_events(?)", batch)).containsExactly("ev_id", "ev_time",
                "ev_txid", "ev_retry", "ev_type", "ev_data", "ev_extra1", "ev_extra2", "ev_extra3", "ev_extra4");
        assertThat(sql.rows("select ev_id, ev_time::text, ev_txid, ev_retry, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3,"
                + " ev_extra4 from pgq.get_batch_events(?)", batch)).containsExactly(
                Arrays.asList(String.valueOf(id), tx.get("now"), tx.get("txid"), null, "ty", "da", "x1", "x2", "x3", "x4"));
        assertThat(sql.batchData(batch)).as("re-reading gives the same rows").hasSize(1);

        sql.execute("select pgq.finish_batch(?)", batch);
        sql.assertSqlError("select * from pgq.get_batch_events(" + batch + ")", "batch not found");
        sql.assertSqlError("select * from pgq.get_batch_events(987654)", "batch not found");
    }

    @Test
    void batchEventSqlIsTheQueryBehindGetBatchEvents() throws SQLException {
        sql.createEagerQueue("b_sql");
        sql.execute("select pgq.register_consumer('b_sql', 'c')");
        sql.insert("b_sql", "a", "b");
        sql.tick("b_sql");
        Long batch = sql.nextBatch("b_sql", "c");
        String query = sql.scalar("select pgq.batch_event_sql(?)", batch);
        assertThat(query).contains("pgq.event_" + sql.queueId("b_sql") + "_0");
        assertThat(sql.rows(query)).isEqualTo(sql.rows("select * from pgq.get_batch_events(?)", batch));
        sql.assertSqlError("select pgq.batch_event_sql(987654)", "batch not found");
    }

    @Test
    void getBatchCursorReturnsTheFirstRowsAndLeavesTheRestInTheCursor() throws SQLException {
        sql.createEagerQueue("b_cursor");
        sql.execute("select pgq.register_consumer('b_cursor', 'c')");
        for (int i = 1; i <= 5; i++) {
            sql.execute("select pgq.insert_event('b_cursor', ?, ?)", i % 2 == 0 ? "even" : "odd", "e" + i);
        }
        sql.tick("b_cursor");
        Long batch = sql.nextBatch("b_cursor", "c");

        sql.begin();
        assertThat(sql.columnLabels("select * from pgq.get_batch_cursor(?, 'c1', 2)", batch)).containsExactly("ev_id",
                "ev_time", "ev_txid", "ev_retry", "ev_type", "ev_data", "ev_extra1", "ev_extra2", "ev_extra3", "ev_extra4");
        sql.execute("close c1");
        assertThat(sql.column("select ev_data from pgq.get_batch_cursor(?, 'c1', 2)", batch)).containsExactly("e1", "e2");
        assertThat(sql.rows("fetch all from c1").stream().map(r -> r.get(5)).toList()).containsExactly("e3", "e4", "e5");
        sql.execute("close c1");

        assertThat(sql.column("select ev_data from pgq.get_batch_cursor(?, 'My Cursor', 1, 'ev_type = ''even''')", batch))
                .containsExactly("e2");
        assertThat(sql.rows("fetch all from \"My Cursor\"").stream().map(r -> r.get(5)).toList()).containsExactly("e4");
        sql.execute("close \"My Cursor\"");

        assertThat(sql.rows("select * from pgq.get_batch_cursor(?, 'c0', 0)", batch)).isEmpty();
        assertThat(sql.rows("fetch all from c0").stream().map(r -> r.get(5)).toList()).containsExactly("e1", "e2", "e3", "e4", "e5");
        sql.execute("close c0");
        assertThat(sql.rows("select * from pgq.get_batch_cursor(?, 'cneg', -1, null)", batch)).isEmpty();
        assertThat(sql.rows("fetch 2 from cneg")).hasSize(2);
        sql.execute("close cneg");

        assertThat(sql.rows("select * from pgq.get_batch_cursor(null, 'cn', 2)")).isEmpty();
        assertThat(sql.rows("select * from pgq.get_batch_cursor(?, null, 2, null)", batch)).isEmpty();
        assertThat(sql.rows("select * from pgq.get_batch_cursor(?, 'cn', null, null)", batch)).isEmpty();
        sql.commit();
    }

    @Test
    void batchEventTablesFollowRotation() throws SQLException {
        sql.createEagerQueue("b_tables");
        sql.execute("select pgq.set_queue_config('b_tables', 'rotation_period', '0')");
        String pfx = "pgq.event_" + sql.queueId("b_tables");
        sql.execute("select pgq.register_consumer('b_tables', 'c')");
        sql.tick("b_tables");
        sql.consume("b_tables", "c");
        sql.tick("b_tables");
        Long steady = sql.nextBatch("b_tables", "c");
        assertThat(sql.column("select * from pgq.batch_event_tables(?)", steady)).containsExactly(pfx + "_0");
        sql.execute("select pgq.finish_batch(?)", steady);

        sql.insert("b_tables", "in-0");
        long before1 = sql.tick("b_tables");
        long before2 = sql.tick("b_tables");
        sql.execute("select pgq.maint_rotate_tables_step1('b_tables')");
        assertThat(sql.scalar("select pgq.current_event_table('b_tables')")).isEqualTo(pfx + "_1");
        sql.insert("b_tables", "in-1");

        Long old = sql.nextBatch("b_tables", "c");
        assertThat(sql.scalar("select tick_id from pgq.get_batch_info(?)", old)).isEqualTo(String.valueOf(before1));
        assertThat(sql.column("select * from pgq.batch_event_tables(?)", old)).as("batch ended before step1")
                .containsExactly(pfx + "_0");
        assertThat(sql.batchData(old)).containsExactly("in-0");
        sql.execute("select pgq.finish_batch(?)", old);
        assertThat(sql.consume("b_tables", "c")).as("tick %s", before2).isEmpty();

        sql.tick("b_tables");
        Long spanning = sql.nextBatch("b_tables", "c");
        assertThat(sql.column("select * from pgq.batch_event_tables(?)", spanning)).as("step2 not done")
                .containsExactlyInAnyOrder(pfx + "_0", pfx + "_1");
        assertThat(sql.batchData(spanning)).containsExactly("in-1");
        sql.execute("select pgq.finish_batch(?)", spanning);

        sql.execute("select pgq.maint_rotate_tables_step2()");
        sql.tick("b_tables");
        sql.consume("b_tables", "c");
        sql.insert("b_tables", "later");
        sql.tick("b_tables");
        Long after = sql.nextBatch("b_tables", "c");
        assertThat(sql.column("select * from pgq.batch_event_tables(?)", after)).containsExactly(pfx + "_1");
        assertThat(sql.batchData(after)).containsExactly("later");

        sql.assertSqlError("select * from pgq.batch_event_tables(987654)", "Cannot find data for batch 987654");
    }

    private static Object[] concat(Object[] head, Object... tail) {
        Object[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
