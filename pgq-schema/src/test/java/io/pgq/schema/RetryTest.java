package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** event_retry, batch_retry, event_retry_raw and maint_retry_events (reference §2.4, §2.5, §2.8, §4). */
class RetryTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    Sql sql;

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        sql = Sql.connect(db);
        // maint_retry_events works on all queues: start each test with an empty retry queue
        sql.execute("delete from pgq.retry_queue");
    }

    @AfterEach
    void close() throws SQLException {
        sql.close();
    }

    @Test
    void eventRetryCopiesTheEventIntoTheRetryQueueOnceAndReturnsZeroForADuplicate() throws SQLException {
        sql.createEagerQueue("r_event");
        sql.execute("select pgq.register_consumer('r_event', 'c')");
        long evId = sql.scalarLong("select pgq.insert_event('r_event', 'ty', 'da', 'x1', 'x2', 'x3', 'x4')");
        String evTime = sql.scalar("select ev_time::text from pgq.event_" + sql.queueId("r_event") + " where ev_id = ?", evId);
        sql.tick("r_event");
        Long batch = sql.nextBatch("r_event", "c");
        String subId = sql.scalar("select sub_id from pgq.subscription where sub_queue = ?", sql.queueId("r_event"));

        sql.begin();
        assertThat(sql.scalar("select pgq.event_retry(?, ?, 30)", batch, evId)).isEqualTo("1");
        String expectedAfter = sql.scalar("select (current_timestamp + interval '30 seconds')::text");
        sql.commit();
        assertThat(sql.scalar("select pgq.event_retry(?, ?, 30)", batch, evId)).isEqualTo("0");
        assertThat(sql.scalar("select pgq.event_retry(?, ?, now() + interval '1 day')", batch, evId)).isEqualTo("0");

        assertThat(sql.record("select ev_retry_after::text, ev_queue, ev_id, ev_time::text, ev_txid, ev_owner, ev_retry,"
                + " ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4 from pgq.retry_queue"))
                .containsEntry("ev_retry_after", expectedAfter)
                .containsEntry("ev_queue", String.valueOf(sql.queueId("r_event")))
                .containsEntry("ev_id", String.valueOf(evId)).containsEntry("ev_time", evTime)
                .containsEntry("ev_txid", null).containsEntry("ev_owner", subId).containsEntry("ev_retry", "1")
                .containsEntry("ev_type", "ty").containsEntry("ev_data", "da").containsEntry("ev_extra1", "x1")
                .containsEntry("ev_extra2", "x2").containsEntry("ev_extra3", "x3").containsEntry("ev_extra4", "x4");
    }

    @Test
    void eventRetryWithATimestampAndErrors() throws SQLException {
        sql.createEagerQueue("r_time");
        sql.execute("select pgq.register_consumer('r_time', 'c')");
        long evId = sql.scalarLong("select pgq.insert_event('r_time', 't', 'd')");
        sql.tick("r_time");
        Long batch = sql.nextBatch("r_time", "c");

        assertThat(sql.scalar("select pgq.event_retry(?, ?, '2031-02-03 04:05:06+00'::timestamptz)", batch, evId)).isEqualTo("1");
        assertThat(sql.scalar("select ev_retry_after = '2031-02-03 04:05:06+00' from pgq.retry_queue")).isEqualTo("t");

        sql.assertSqlError("select pgq.event_retry(" + batch + ", " + (evId + 1000) + ", 0)", "event not found");
        sql.assertSqlError("select pgq.event_retry(987654, 1, 0)", "event not found");
        sql.assertSqlError("select pgq.event_retry(987654, 1, now())", "event not found");
    }

    @Test
    void batchRetryQueuesEveryEventNotAlreadyQueued() throws SQLException {
        sql.createEagerQueue("r_batch");
        sql.execute("select pgq.register_consumer('r_batch', 'c')");
        sql.insert("r_batch", "a", "b", "c");
        sql.tick("r_batch");
        Long batch = sql.nextBatch("r_batch", "c");
        long first = sql.scalarLong("select min(ev_id) from pgq.get_batch_events(?)", batch);
        sql.execute("select pgq.event_retry(?, ?, 0)", batch, first);

        assertThat(sql.scalar("select pgq.batch_retry(?, 60)", batch)).isEqualTo("2");
        assertThat(sql.scalar("select pgq.batch_retry(?, 60)", batch)).isEqualTo("0");
        assertThat(sql.column("select ev_data || ':' || ev_retry from pgq.retry_queue order by ev_id"))
                .containsExactly("a:1", "b:1", "c:1");
        sql.assertSqlError("select pgq.batch_retry(987654, 0)", "batch_retry: batch 987654 not found");
    }

    @Test
    void retriedEventsComeBackOnlyToTheirOwnerWithAnIncreasedRetryCount() throws SQLException {
        sql.createEagerQueue("r_owner");
        sql.execute("select pgq.register_consumer('r_owner', 'retrier')");
        sql.execute("select pgq.register_consumer('r_owner', 'bystander')");
        long evId = sql.scalarLong("select pgq.insert_event('r_owner', 't', 'payload')");
        String evTime = sql.scalar("select ev_time::text from pgq.event_" + sql.queueId("r_owner") + " where ev_id = ?", evId);
        sql.tick("r_owner");
        assertThat(sql.consume("r_owner", "bystander")).containsExactly("payload");

        Long batch = sql.nextBatch("r_owner", "retrier");
        sql.execute("select pgq.event_retry(?, ?, 0)", batch, evId);
        sql.execute("select pgq.finish_batch(?)", batch);
        assertThat(sql.scalar("select pgq.maint_retry_events()")).isEqualTo("1");
        assertThat(sql.scalar("select count(*) from pgq.retry_queue")).isEqualTo("0");
        sql.tick("r_owner");

        assertThat(sql.consume("r_owner", "bystander")).isEmpty();
        batch = sql.nextBatch("r_owner", "retrier");
        assertThat(sql.rows("select ev_id, ev_time::text, ev_retry, ev_data from pgq.get_batch_events(?)", batch))
                .containsExactly(List.of(String.valueOf(evId), evTime, "1", "payload"));

        sql.execute("select pgq.event_retry(?, ?, 0)", batch, evId);
        assertThat(sql.scalar("select ev_retry from pgq.retry_queue")).isEqualTo("2");
        sql.execute("select pgq.finish_batch(?)", batch);
        sql.execute("select pgq.maint_retry_events()");
        sql.tick("r_owner");
        assertThat(sql.scalar("select ev_retry from pgq.get_batch_events(pgq.next_batch('r_owner', 'retrier'))")).isEqualTo("2");
    }

    @Test
    void maintRetryEventsMovesAtMostTenDueEventsPerCall() throws SQLException {
        sql.createEagerQueue("r_mover");
        sql.execute("select pgq.register_consumer('r_mover', 'c')");
        sql.execute("select pgq.insert_event('r_mover', 't', 'e' || i) from generate_series(1, 17) i");
        sql.tick("r_mover");
        Long batch = sql.nextBatch("r_mover", "c");
        sql.execute("select pgq.event_retry(?, ev_id, case when ev_data in ('e16', 'e17') then 3600 else 0 end)"
                + " from pgq.get_batch_events(?)", batch, batch);
        sql.execute("select pgq.finish_batch(?)", batch);

        assertThat(sql.scalar("select pgq.maint_retry_events()")).isEqualTo("10");
        assertThat(sql.scalar("select pgq.maint_retry_events()")).isEqualTo("5");
        assertThat(sql.scalar("select pgq.maint_retry_events()")).isEqualTo("0");
        assertThat(sql.column("select ev_data from pgq.retry_queue order by ev_id")).containsExactly("e16", "e17");

        sql.tick("r_mover");
        assertThat(sql.consume("r_mover", "c")).hasSize(15).doesNotContain("e16", "e17");
    }

    @Test
    void eventRetryRawQueuesAnArbitraryEventForARegisteredConsumer() throws SQLException {
        sql.createEagerQueue("r_raw");
        sql.execute("select pgq.register_consumer('r_raw', 'c')");
        sql.execute("select pgq.insert_event('r_raw', 'warm', 'up')");
        long seq = sql.scalarLong("select pgq.seq_getval(queue_event_seq) from pgq.queue where queue_name = 'r_raw'");

        long id = sql.scalarLong("select pgq.event_retry_raw('r_raw', 'c', now(), null, '2020-01-01 00:00:00+00', 4,"
                + " 'ty', 'da', 'x1', 'x2', 'x3', 'x4')");
        assertThat(id).as("NULL ev_id takes the queue's next event id").isEqualTo(seq + 1);
        assertThat(sql.scalar("select pgq.event_retry_raw('r_raw', 'c', now(), 5555, now(), null, 't', 'd', null, null, null, null)"))
                .isEqualTo("5555");
        assertThat(sql.column("select ev_id || ':' || coalesce(ev_retry::text, '-') from pgq.retry_queue order by ev_id"))
                .containsExactly(id + ":4", "5555:-");

        sql.assertSqlError("select pgq.event_retry_raw('r_raw', 'nobody', now(), null, now(), 0, 't', 'd', null, null, null, null)",
                "consumer not registered");

        sql.execute("select pgq.maint_retry_events()");
        sql.tick("r_raw");
        Map<String, String> row = sql.record("select ev_id, ev_retry, ev_type, ev_data, ev_extra4 from pgq.get_batch_events("
                + "pgq.next_batch('r_raw', 'c')) where ev_id = ?", id);
        assertThat(row).containsEntry("ev_retry", "4").containsEntry("ev_type", "ty").containsEntry("ev_extra4", "x4");
    }
}
