package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** register_consumer, register_consumer_at and unregister_consumer (reference §2.3, Appendix A). */
class SubscriptionTest extends SchemaTestCase {

    @Test
    void registerReturnsOneThenZeroAndANewConsumerSeesOnlyLaterEvents() throws SQLException {
        sql.createEagerQueue("s_new");
        sql.insert("s_new", "before");
        sql.tick("s_new");

        assertThat(sql.scalar("select pgq.register_consumer('s_new', 'c')")).isEqualTo("1");
        assertThat(sql.scalar("select pgq.register_consumer('s_new', 'c')")).isEqualTo("0");
        assertThat(sql.scalar("select sub_last_tick from pgq.subscription s join pgq.consumer c on c.co_id = s.sub_consumer"
                + " where co_name = 'c' and sub_queue = ?", sql.queueId("s_new")))
                .as("starts at the newest tick").isEqualTo("2");

        assertThat(sql.nextBatch("s_new", "c")).as("no tick after registration yet").isNull();
        sql.insert("s_new", "after");
        sql.tick("s_new");
        assertThat(sql.consume("s_new", "c")).containsExactly("after");
    }

    @Test
    void registerErrors() throws SQLException {
        sql.assertSqlError("select pgq.register_consumer('s_nosuch', 'c')", "Event queue not created yet");
        sql.assertSqlError("select pgq.register_consumer_at('s_nosuch', 'c', 1)", "Event queue not created yet");
        sql.createEagerQueue("s_errors");
        sql.assertSqlError("select pgq.register_consumer_at('s_errors', 'c', 999)", "cannot reposition, tick not found: 999");
        assertThat(sql.scalar("select count(*) from pgq.get_consumer_info('s_errors')")).isEqualTo("0");
    }

    @Test
    void registerOnAQueueWithoutTicksFails() throws SQLException {
        sql.createEagerQueue("s_noticks");
        sql.execute("delete from pgq.tick where tick_queue = ?", sql.queueId("s_noticks"));
        sql.assertSqlError("select pgq.register_consumer('s_noticks', 'c')",
                "No ticks for this queue.  Please run ticker on database.");
    }

    @Test
    void registerAtAnOldTickStartsThere() throws SQLException {
        sql.createEagerQueue("s_at");
        sql.insert("s_at", "e1");
        long t2 = sql.tick("s_at");
        sql.insert("s_at", "e2");
        sql.tick("s_at");

        assertThat(sql.scalar("select pgq.register_consumer_at('s_at', 'c', ?)", t2)).isEqualTo("1");
        assertThat(sql.consume("s_at", "c")).containsExactly("e2");
    }

    @Test
    void repositioningDropsTheOpenBatchAndRedeliversFromTheGivenTick() throws SQLException {
        sql.createEagerQueue("s_repos");
        sql.execute("select pgq.register_consumer('s_repos', 'c')");
        long start = sql.scalarLong("select last_tick_id from pgq.get_queue_info('s_repos')");
        sql.insert("s_repos", "e1");
        sql.tick("s_repos");
        assertThat(sql.consume("s_repos", "c")).containsExactly("e1");
        sql.insert("s_repos", "e2");
        sql.tick("s_repos");
        Long open = sql.nextBatch("s_repos", "c");
        assertThat(open).isNotNull();
        String activeSql = "select sub_active::text from pgq.subscription where sub_queue = ?";
        String activeBefore = sql.scalar(activeSql, sql.queueId("s_repos"));

        assertThat(sql.scalar("select pgq.register_consumer_at('s_repos', 'c', ?)", start)).isEqualTo("0");

        assertThat(sql.record("select last_tick, current_batch, next_tick from pgq.get_consumer_info('s_repos', 'c')"))
                .containsEntry("last_tick", String.valueOf(start))
                .containsEntry("current_batch", null).containsEntry("next_tick", null);
        assertThat(sql.scalar("select sub_active > ?::timestamptz from pgq.subscription where sub_queue = ?",
                activeBefore, sql.queueId("s_repos"))).as("sub_active touched").isEqualTo("t");
        assertThat(sql.scalar("select pgq.finish_batch(?)", open)).as("the dropped batch is gone").isEqualTo("0");
        Long again = sql.nextBatch("s_repos", "c");
        assertThat(again).isNotNull().isNotEqualTo(open);
        assertThat(sql.batchData(again)).containsExactly("e1");

        assertThat(sql.scalar("select pgq.register_consumer_at('s_repos', 'c', null)")).as("no reposition").isEqualTo("0");
        assertThat(sql.nextBatch("s_repos", "c")).as("open batch kept").isEqualTo(again);
    }

    @Test
    void unregisterRemovesSubscriptionRetryEventsAndLoneConsumerRow() throws SQLException {
        sql.createEagerQueue("s_unreg");
        sql.createEagerQueue("s_unreg2");
        assertThat(sql.scalar("select pgq.unregister_consumer('s_unreg', 'c_lone')")).isEqualTo("0");
        sql.execute("select pgq.register_consumer('s_unreg', 'c_lone')");
        sql.execute("select pgq.register_consumer('s_unreg', 'c_multi')");
        sql.execute("select pgq.register_consumer('s_unreg2', 'c_multi')");
        sql.insert("s_unreg", "e1");
        sql.tick("s_unreg");
        Long batch = sql.nextBatch("s_unreg", "c_lone");
        sql.execute("select pgq.batch_retry(?, 3600)", batch);
        sql.execute("select pgq.finish_batch(?)", batch);
        assertThat(sql.scalar("select count(*) from pgq.retry_queue where ev_queue = ?", sql.queueId("s_unreg"))).isEqualTo("1");

        assertThat(sql.scalar("select pgq.unregister_consumer('s_unreg', 'c_lone')")).isEqualTo("1");
        assertThat(sql.scalar("select pgq.unregister_consumer('s_unreg', 'c_multi')")).isEqualTo("1");

        assertThat(sql.scalar("select count(*) from pgq.retry_queue where ev_queue = ?", sql.queueId("s_unreg"))).isEqualTo("0");
        assertThat(sql.column("select consumer_name from pgq.get_consumer_info('s_unreg')")).isEmpty();
        assertThat(sql.column("select co_name from pgq.consumer where co_name in ('c_lone', 'c_multi')"))
                .containsExactly("c_multi");
        assertThat(sql.column("select consumer_name from pgq.get_consumer_info('s_unreg2')")).containsExactly("c_multi");
        assertThat(sql.scalar("select pgq.unregister_consumer('s_unreg', 'c_lone')")).isEqualTo("0");
        assertThat(sql.scalar("select pgq.unregister_consumer('s_nosuch', 'c_lone')")).isEqualTo("0");
    }
}
