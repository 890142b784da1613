package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The functions of the tick and batch path keep probing {@code pgq.tick} through its index in a
 * session whose plans were cached while the table was tiny (a daemon's or a consumer's long-lived
 * connection, started right after install): the table then grows by a row per queue and tick,
 * and a cached plan that scans it in full would cost more with every tick
 * (docs/design/schema.md, "Plans that survive the growth of pgq.tick").
 */
class StablePlansTest extends SchemaTestCase {

    private static final int ROUNDS_TO_CACHE_PLANS = 8;

    @BeforeEach
    void startWithoutQueues() throws SQLException {
        dropAllQueues();
    }

    @Test
    void theTickAndBatchPathProbesTicksByIndexAfterTheTableGrewUnderCachedPlans() throws SQLException {
        sql.createEagerQueue("sp_q");
        sql.execute("select pgq.register_consumer('sp_q', 'c')");
        sql.execute("vacuum pgq.tick");   // the planner now knows the table as tiny, as after a first maintenance pass
        for (int i = 0; i < ROUNDS_TO_CACHE_PLANS; i++) {
            oneRound();
        }
        sql.execute("select pgq.create_queue('sp_big')");
        sql.execute("insert into pgq.tick (tick_queue, tick_id, tick_event_seq) "
                + "select ?, g, 0 from generate_series(1000, 30000) g", sql.queueId("sp_big"));

        Connection c = sql.connection();
        c.setAutoCommit(false);
        try {
            oneRound();
            assertThat(sql.scalarLong("select seq_scan from pg_stat_xact_user_tables where relid = 'pgq.tick'::regclass"))
                    .as("full scans of pgq.tick in one round of ticker, next_batch, next_batch_custom, get_batch_events, "
                            + "finish_batch after it grew to 29,000 rows")
                    .isZero();
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    @Test
    void readingABatchFetchesEachOfItsTwoTicksOncePerCallHoweverManyTicksItsQueueKeeps() throws SQLException {
        sql.createEagerQueue("sp_long");
        sql.execute("select pgq.register_consumer('sp_long', 'c')");
        sql.insert("sp_long", "e");
        sql.execute("insert into pgq.tick (tick_queue, tick_id, tick_event_seq) "
                + "select ?, g, 1 from generate_series(1000000, 1003000) g", sql.queueId("sp_long"));
        sql.execute("analyze pgq.tick");   // statistics of a queue with a long history of ticks
        long batch = sql.scalarLong("select pgq.next_batch('sp_long', 'c')");

        Connection c = sql.connection();
        c.setAutoCommit(false);
        try {
            String fetched = "select idx_tup_fetch from pg_stat_xact_user_tables where relid = 'pgq.tick'::regclass";
            long before = sql.scalarLong(fetched);   // pending counts of the session, not only of this transaction
            assertThat(sql.rows("select * from pgq.get_batch_events(?)", batch)).hasSize(1);
            sql.rows("select * from pgq.batch_event_tables(?)", batch);
            assertThat(sql.scalarLong(fetched) - before)
                    .as("ticks fetched by get_batch_events and batch_event_tables (two each), the queue keeping 3,002")
                    .isLessThanOrEqualTo(4);
        } finally {
            c.rollback();
            c.setAutoCommit(true);
            dropAllQueues();
            sql.execute("analyze pgq.tick");   // as the other tests expect: statistics of a tiny table
        }
    }

    /** Ticks, then opens, reads and finishes a batch two ways (plain, and with a minimum count). */
    private void oneRound() throws SQLException {
        sql.insert("sp_q", "e");
        sql.execute("select pgq.ticker()");
        long batch = sql.scalarLong("select pgq.next_batch('sp_q', 'c')");
        sql.rows("select * from pgq.get_batch_events(?)", batch);
        sql.execute("select pgq.finish_batch(?)", batch);
        sql.insert("sp_q", "f");
        sql.execute("select pgq.ticker()");
        batch = sql.scalarLong("select batch_id from pgq.next_batch_custom('sp_q', 'c', null, 1, null)");
        sql.rows("select * from pgq.get_batch_events(?)", batch);
        sql.execute("select pgq.finish_batch(?)", batch);
    }
}
