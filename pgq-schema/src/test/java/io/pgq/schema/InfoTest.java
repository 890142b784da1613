package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** get_queue_info, get_consumer_info, get_batch_info and version (reference §2.6). */
class InfoTest extends SchemaTestCase {

    static final List<String> QUEUE_INFO_COLUMNS = List.of("queue_name", "queue_ntables", "queue_cur_table",
            "queue_rotation_period", "queue_switch_time", "queue_external_ticker", "queue_ticker_paused",
            "queue_ticker_max_count", "queue_ticker_max_lag", "queue_ticker_idle_period", "ticker_lag", "ev_per_sec",
            "ev_new", "last_tick_id");
    static final List<String> CONSUMER_INFO_COLUMNS = List.of("queue_name", "consumer_name", "lag", "last_seen",
            "last_tick", "current_batch", "next_tick", "pending_events");


    @Test
    void queueInfoDescribesConfigurationAndTickerRole() throws SQLException {
        sql.execute("select pgq.create_queue('i_q_b')");
        sql.execute("select pgq.create_queue('i_q_a')");
        assertThat(sql.columnLabels("select * from pgq.get_queue_info()")).isEqualTo(QUEUE_INFO_COLUMNS);
        assertThat(sql.columnLabels("select * from pgq.get_queue_info('i_q_a')")).isEqualTo(QUEUE_INFO_COLUMNS);

        assertThat(sql.column("select queue_name from pgq.get_queue_info() where queue_name like 'i\\_q\\_%'"))
                .as("ordered by name").containsExactly("i_q_a", "i_q_b");
        assertThat(sql.column("select queue_name from pgq.get_queue_info(null) where queue_name like 'i\\_q\\_%'"))
                .containsExactly("i_q_a", "i_q_b");
        assertThat(sql.rows("select * from pgq.get_queue_info('i_nosuch')")).isEmpty();

        Map<String, String> info = sql.record("select queue_name, queue_ntables, queue_cur_table, queue_rotation_period,"
                + " queue_switch_time = (select queue_switch_time from pgq.queue where queue_name = 'i_q_a') as switch_time_ok,"
                + " queue_external_ticker, queue_ticker_paused, queue_ticker_max_count, queue_ticker_max_lag,"
                + " queue_ticker_idle_period, last_tick_id from pgq.get_queue_info('i_q_a')");
        assertThat(info).containsExactly(Map.entry("queue_name", "i_q_a"), Map.entry("queue_ntables", "3"),
                Map.entry("queue_cur_table", "0"), Map.entry("queue_rotation_period", "02:00:00"),
                Map.entry("switch_time_ok", "t"), Map.entry("queue_external_ticker", "f"),
                Map.entry("queue_ticker_paused", "f"), Map.entry("queue_ticker_max_count", "500"),
                Map.entry("queue_ticker_max_lag", "00:00:03"), Map.entry("queue_ticker_idle_period", "00:01:00"),
                Map.entry("last_tick_id", "1"));
    }

    @Test
    void queueInfoCountsNewEventsAndRateAndTickerLag() throws SQLException {
        sql.createEagerQueue("i_rate");
        long qid = sql.queueId("i_rate");
        sql.insert("i_rate", "warm-up");
        long t2 = sql.tick("i_rate");
        sql.execute("select pgq.insert_event('i_rate', 't', 'd') from generate_series(1, 10)");
        long t3 = sql.tick("i_rate");
        sql.execute("select pgq.insert_event('i_rate', 't', 'd') from generate_series(1, 3)");

        // 10 events between t2 and t3, 10 seconds apart; t3 is one hour old
        sql.execute("update pgq.tick set tick_time = now() - case when tick_id = ? then interval '1 hour'"
                + " else interval '1 hour 10 seconds' end where tick_queue = ?", t3, qid);
        Map<String, String> info = sql.record("select ev_new, last_tick_id, ev_per_sec,"
                + " ticker_lag >= interval '1 hour' and ticker_lag < interval '1 hour 1 minute' as lag_ok from pgq.get_queue_info('i_rate')");
        assertThat(info).containsEntry("ev_new", "3").containsEntry("last_tick_id", String.valueOf(t3))
                .containsEntry("lag_ok", "t");
        // from tick 1 (seq 1, fresh sequence) to t3 (seq 11): 10 ids in 10 seconds
        assertThat(Double.parseDouble(info.get("ev_per_sec"))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void consumerInfoShowsPositionBatchAndPendingEvents() throws SQLException {
        sql.createEagerQueue("i_c2");
        sql.createEagerQueue("i_c1");
        sql.insert("i_c1", "warm-up");
        sql.tick("i_c1");
        sql.execute("select pgq.register_consumer('i_c1', 'zed')");
        sql.execute("select pgq.register_consumer('i_c1', 'amy')");
        sql.execute("select pgq.register_consumer('i_c2', 'amy')");
        long qid = sql.queueId("i_c1");
        long start = sql.scalarLong("select last_tick_id from pgq.get_queue_info('i_c1')");
        sql.execute("select pgq.insert_event('i_c1', 't', 'd') from generate_series(1, 4)");
        long next = sql.tick("i_c1");
        Long batch = sql.nextBatch("i_c1", "amy");
        sql.execute("update pgq.tick set tick_time = now() - interval '5 minutes' where tick_queue = ? and tick_id = ?", qid, start);

        assertThat(sql.columnLabels("select * from pgq.get_consumer_info()")).isEqualTo(CONSUMER_INFO_COLUMNS);
        assertThat(sql.rows("select queue_name, consumer_name from pgq.get_consumer_info() where queue_name like 'i\\_c%'"))
                .containsExactly(List.of("i_c1", "amy"), List.of("i_c1", "zed"), List.of("i_c2", "amy"));
        assertThat(sql.rows("select queue_name, consumer_name from pgq.get_consumer_info('i_c1')"))
                .containsExactly(List.of("i_c1", "amy"), List.of("i_c1", "zed"));
        assertThat(sql.rows("select queue_name, consumer_name from pgq.get_consumer_info(null, 'amy') where queue_name like 'i\\_c%'"))
                .containsExactly(List.of("i_c1", "amy"), List.of("i_c2", "amy"));

        Map<String, String> amy = sql.record("select last_tick, current_batch, next_tick, pending_events,"
                + " lag >= interval '5 minutes' and lag < interval '6 minutes' as lag_ok,"
                + " last_seen >= interval '0' and last_seen < interval '1 minute' as seen_ok"
                + " from pgq.get_consumer_info('i_c1', 'amy')");
        assertThat(amy).containsEntry("last_tick", String.valueOf(start)).containsEntry("current_batch", String.valueOf(batch))
                .containsEntry("next_tick", String.valueOf(next)).containsEntry("pending_events", "4")
                .containsEntry("lag_ok", "t").containsEntry("seen_ok", "t");
        assertThat(sql.record("select current_batch, next_tick from pgq.get_consumer_info('i_c1', 'zed')"))
                .containsEntry("current_batch", null).containsEntry("next_tick", null);

        sql.execute("update pgq.subscription set sub_active = now() - interval '2 hours' where sub_queue = ?", qid);
        assertThat(sql.scalar("select last_seen >= interval '2 hours' and last_seen < interval '2 hours 1 minute'"
                + " from pgq.get_consumer_info('i_c1', 'zed')")).isEqualTo("t");
        assertThat(sql.rows("select * from pgq.get_consumer_info('i_c1', 'nobody')")).isEmpty();
    }

    @Test
    void batchInfoDescribesTheBatchTicks() throws SQLException {
        sql.createEagerQueue("i_batch");
        long qid = sql.queueId("i_batch");
        sql.execute("select pgq.register_consumer('i_batch', 'c')");
        sql.insert("i_batch", "a", "b");
        long end = sql.tick("i_batch");
        sql.execute("update pgq.tick set tick_time = now() - interval '10 minutes' where tick_queue = ? and tick_id = ?", qid, end);
        Long batch = sql.nextBatch("i_batch", "c");

        assertThat(sql.columnLabels("select * from pgq.get_batch_info(?)", batch)).containsExactly("queue_name",
                "consumer_name", "batch_start", "batch_end", "prev_tick_id", "tick_id", "lag", "seq_start", "seq_end");
        Map<String, String> ticks = sql.record("select p.tick_time::text as batch_start, c.tick_time::text as batch_end,"
                + " p.tick_event_seq::text as seq_start, c.tick_event_seq::text as seq_end from pgq.tick p, pgq.tick c"
                + " where p.tick_queue = ? and c.tick_queue = ? and p.tick_id = ? and c.tick_id = ?", qid, qid, end - 1, end);
        Map<String, String> info = sql.record("select queue_name, consumer_name, batch_start::text, batch_end::text,"
                + " prev_tick_id, tick_id, seq_start, seq_end,"
                + " lag >= interval '10 minutes' and lag < interval '11 minutes' as lag_ok from pgq.get_batch_info(?)", batch);
        assertThat(info).containsEntry("queue_name", "i_batch").containsEntry("consumer_name", "c")
                .containsEntry("batch_start", ticks.get("batch_start")).containsEntry("batch_end", ticks.get("batch_end"))
                .containsEntry("prev_tick_id", String.valueOf(end - 1)).containsEntry("tick_id", String.valueOf(end))
                .containsEntry("seq_start", ticks.get("seq_start")).containsEntry("seq_end", ticks.get("seq_end"))
                .containsEntry("lag_ok", "t");
    }

    @Test
    void versionStartsWithThree() throws SQLException {
        assertThat(sql.scalar("select pgq.version()")).startsWith("3.");
    }
}
