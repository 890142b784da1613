package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pgq.event_retry_many (pgq-java addition): for every event it does what pgq.event_retry does,
 * and it reads the batch once however many events it retries.
 */
class RetryManyTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    /** Every column of a retry row but the owner, in a comparable order. */
    static final String RETRY_ROW = "select ev_retry_after::text, ev_queue, ev_id, ev_time::text, ev_txid, ev_retry,"
            + " ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4 from pgq.retry_queue where ev_owner = ?::int"
            + " order by ev_id";

    Sql sql;

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        sql = Sql.connect(db);
        sql.execute("delete from pgq.retry_queue");
    }

    @AfterEach
    void close() throws SQLException {
        sql.close();
    }

    @Test
    void queuesWhatEventRetryQueuesForEveryEventAndReturnsTheSumOfItsResults() throws SQLException {
        sql.createEagerQueue("m_same");
        sql.execute("select pgq.register_consumer('m_same', 'one_by_one')");
        sql.execute("select pgq.register_consumer('m_same', 'many')");
        sql.execute("select pgq.insert_event('m_same', 'ty' || i, 'da' || i, 'a' || i, null, 'c', 'd' || i)"
                + " from generate_series(1, 40) i");
        // events that were retried before (ev_retry 3) and events with no extras at all
        sql.execute("select pgq.insert_event_raw('m_same', null, now() - interval '1 hour', null, 3, 'old', 'r' || i,"
                + " null, null, null, null) from generate_series(1, 5) i");
        sql.tick("m_same");
        long perEventBatch = sql.nextBatch("m_same", "one_by_one");
        long manyBatch = sql.nextBatch("m_same", "many");
        List<String> ids = sql.column("select ev_id from pgq.get_batch_events(?) order by ev_id", perEventBatch);
        assertThat(ids).hasSize(45);
        // already queued for retry by each subscription: event_retry returns 0 for it
        String queuedBefore = ids.get(4);
        sql.execute("select pgq.event_retry(?, ?, '2030-01-01 00:00:00+00'::timestamptz)", perEventBatch, Long.valueOf(queuedBefore));
        sql.execute("select pgq.event_retry(?, ?, '2030-01-01 00:00:00+00'::timestamptz)", manyBatch, Long.valueOf(queuedBefore));

        // unordered, with duplicates (the second time of a duplicate loses), a retried event and the queued one
        String idArray = "{" + String.join(",", ids.get(7), ids.get(3), ids.get(42), ids.get(7), queuedBefore, ids.get(44),
                ids.get(0), ids.get(3)) + "}";
        String timeArray = "{2031-01-01 00:00:01+00,2031-01-01 00:00:02+00,2031-01-01 00:00:03+00,2031-01-01 00:00:04+00,"
                + "2031-01-01 00:00:05+00,2031-01-01 00:00:06+00,2031-01-01 00:00:07+00,2031-01-01 00:00:08+00}";
        String perEvent = sql.scalar("select sum(pgq.event_retry(?, t.id, t.at)) from unnest(?::bigint[],"
                + " ?::timestamptz[]) with ordinality as t(id, at, n)", perEventBatch, idArray, timeArray);
        String many = sql.scalar("select pgq.event_retry_many(?, ?::bigint[], ?::timestamptz[])", manyBatch, idArray, timeArray);

        assertThat(many).isEqualTo(perEvent).isEqualTo("5");
        assertThat(sql.rows(RETRY_ROW, subId("many"))).isEqualTo(sql.rows(RETRY_ROW, subId("one_by_one"))).hasSize(6);
        assertThat(sql.column("select ev_retry || ':' || ev_data from pgq.retry_queue where ev_owner = ?::int order by ev_id",
                subId("many"))).containsExactly("1:da1", "1:da4", "1:da5", "1:da8", "4:r3", "4:r5");
        assertThat(sql.scalar("select pgq.event_retry_many(?, ?::bigint[], ?::timestamptz[])", manyBatch, idArray, timeArray))
                .as("everything is queued already").isEqualTo("0");
    }

    @Test
    void theSecondsFormRetriesAfterThatManySecondsAndTheEventsComeBackToTheirOwner() throws SQLException {
        sql.createEagerQueue("m_secs");
        sql.execute("select pgq.register_consumer('m_secs', 'c')");
        sql.execute("select pgq.register_consumer('m_secs', 'bystander')");
        sql.insert("m_secs", "a", "b", "c");
        sql.tick("m_secs");
        assertThat(sql.consume("m_secs", "bystander")).containsExactly("a", "b", "c");
        long batch = sql.nextBatch("m_secs", "c");
        List<String> ids = sql.column("select ev_id from pgq.get_batch_events(?)", batch);

        sql.begin();
        assertThat(sql.scalar("select pgq.event_retry_many(?, ?::bigint[], 30)", batch, "{" + ids.get(0) + "," + ids.get(2) + "}"))
                .isEqualTo("2");
        String expectedAfter = sql.scalar("select (current_timestamp + interval '30 seconds')::text");
        sql.commit();
        assertThat(sql.column("select ev_retry_after::text from pgq.retry_queue")).containsOnly(expectedAfter).hasSize(2);
        assertThat(sql.scalar("select pgq.event_retry_many(?, '{}'::bigint[], 30)", batch)).isEqualTo("0");

        sql.execute("update pgq.retry_queue set ev_retry_after = now() - interval '1 second'");
        sql.execute("select pgq.finish_batch(?)", batch);
        assertThat(sql.scalar("select pgq.maint_retry_events()")).isEqualTo("2");
        sql.tick("m_secs");
        assertThat(sql.consume("m_secs", "bystander")).isEmpty();
        batch = sql.nextBatch("m_secs", "c");
        assertThat(sql.column("select ev_data || ':' || ev_retry from pgq.get_batch_events(?)", batch))
                .containsExactly("a:1", "c:1");
    }

    @Test
    void badInputFailsTheWholeCallWithAClearErrorAndQueuesNothing() throws SQLException {
        sql.createEagerQueue("m_errors");
        sql.execute("select pgq.register_consumer('m_errors', 'c')");
        sql.insert("m_errors", "a", "b");
        sql.tick("m_errors");
        long batch = sql.nextBatch("m_errors", "c");
        List<String> ids = sql.column("select ev_id from pgq.get_batch_events(?)", batch);
        String both = "{" + ids.get(0) + "," + ids.get(1) + "}";
        String notInBatch = "{" + ids.get(0) + ",987654,987655}";

        sql.assertSqlError("select pgq.event_retry_many(?, ?::bigint[], 0)", "event not found", batch, notInBatch);
        assertThat(detail("select pgq.event_retry_many(" + batch + ", '" + notInBatch + "'::bigint[], 0)"))
                .isEqualTo("Event 987654 (and 1 more) is not in batch " + batch + ".");
        sql.assertSqlError("select pgq.event_retry_many(?, ?::bigint[], 0)", "event not found", batch,
                "{" + ids.get(0) + ",NULL}");
        sql.assertSqlError("select pgq.event_retry_many(987654, ?::bigint[], 0)", "event not found", both);
        sql.assertSqlError("select pgq.event_retry_many(987654, ?::bigint[], array[now(), now()])", "event not found", both);
        sql.assertSqlError("select pgq.event_retry_many(?, ?::bigint[], array[now()])",
                "event_retry_many: 2 event ids but 1 retry times", batch, both);
        sql.assertSqlError("select pgq.event_retry_many(?, ?::bigint[], array[now(), null])",
                "event_retry_many: the retry time of event " + ids.get(1) + " is NULL", batch, both);
        sql.assertSqlError("select pgq.event_retry_many(?, null::bigint[], 0)",
                "event_retry_many: batch id, event ids and retry times must not be NULL", batch);
        sql.assertSqlError("select pgq.event_retry_many(?, ?::bigint[], null::int)",
                "event_retry_many: retry seconds must not be NULL", batch, both);
        assertThat(sql.scalar("select count(*) from pgq.retry_queue")).as("nothing queued by a failed call").isEqualTo("0");

        sql.execute("select pgq.finish_batch(?)", batch);
        sql.assertSqlError("select pgq.event_retry_many(?, ?::bigint[], 0)", "event not found", batch, both);
        assertThat(detail("select pgq.event_retry_many(" + batch + ", '" + both + "'::bigint[], 0)"))
                .isEqualTo("Batch " + batch + " is not open: it is unknown or already finished.");
    }

    @Test
    void aLargeArrayWithDuplicatesReadsTheBatchOnce() throws SQLException {
        sql.createEagerQueue("m_large");
        sql.execute("select pgq.register_consumer('m_large', 'c')");
        sql.execute("select pgq.insert_event('m_large', 't', 'e' || i) from generate_series(1, 20000) i");
        sql.tick("m_large");
        long batch = sql.nextBatch("m_large", "c");
        String queue = String.valueOf(sql.queueId("m_large"));

        String everyIdTwiceDescending = sql.scalar("select array_agg(ev_id order by ev_id desc)::text"
                + " from pgq.get_batch_events(?), generate_series(1, 2)", batch);
        String onePercent = sql.scalar("select array_agg(ev_id)::text from pgq.get_batch_events(?) where ev_id % 100 = 0",
                batch);
        String twenty = sql.scalar("select array_agg(ev_id)::text from pgq.get_batch_events(?) where ev_id % 1000 = 0",
                batch);

        sql.begin();
        long rowsReadBefore = rowsRead(queue);
        assertThat(sql.scalar("select pgq.event_retry_many(?, ?::bigint[], 0)", batch, everyIdTwiceDescending))
                .isEqualTo("20000");
        long rowsReadByLarge = rowsRead(queue) - rowsReadBefore;
        assertThat(sql.scalar("select pgq.event_retry_many(?, ?::bigint[], 0)", batch, onePercent)).isEqualTo("0");
        long rowsReadByMany = rowsRead(queue) - rowsReadBefore - rowsReadByLarge;
        sql.execute("select pgq.event_retry(?, id, 0) from unnest(?::bigint[]) id", batch, twenty);
        long rowsReadByTwentyCalls = rowsRead(queue) - rowsReadBefore - rowsReadByLarge - rowsReadByMany;
        assertThat(sql.scalar("select count(*) from pgq.retry_queue")).isEqualTo("20000");
        sql.rollback();

        assertThat(rowsReadByLarge).as("event table rows read by one call retrying 40,000 ids").isLessThanOrEqualTo(20000);
        assertThat(rowsReadByMany).as("event table rows read by one call retrying 200 events").isLessThanOrEqualTo(20000);
        assertThat(rowsReadByTwentyCalls).as("rows read by 20 event_retry calls (the measure sees repeated reads)")
                .isGreaterThan(10 * 20000);
        assertThat(sql.scalar("select count(*) from pgq.retry_queue")).isEqualTo("0");
    }

    @Test
    void worksOnACooperativeBatchForTheWholeGroup() throws SQLException {
        sql.createEagerQueue("m_coop");
        sql.execute("select pgq_coop.register_subconsumer('m_coop', 'g', 's1')");
        sql.insert("m_coop", "a", "b");
        sql.tick("m_coop");
        long batch = sql.scalarLong("select pgq_coop.next_batch('m_coop', 'g', 's1')");
        assertThat(sql.scalar("select pgq.event_retry_many(?, (select array_agg(ev_id) from pgq.get_batch_events(?)), 0)",
                batch, batch)).isEqualTo("2");
        assertThat(sql.column("select distinct ev_owner::text from pgq.retry_queue")).containsExactly(subId("g"));
    }

    @Test
    void grantedLikeEventRetryToReadersOnly(TestDatabase db) throws SQLException {
        sql.createEagerQueue("m_roles");
        String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
        String reader = "t_retry_reader_" + suffix;
        String writer = "t_retry_writer_" + suffix;
        sql.execute("create role " + reader + " in role pgq_reader");
        sql.execute("create role " + writer + " in role pgq_writer");
        try (Sql asReader = Sql.connect(db); Sql asWriter = Sql.connect(db)) {
            asReader.execute("set role " + reader);
            asWriter.execute("set role " + writer);
            assertThat(asReader.scalar("select pgq.register_consumer('m_roles', ?)", reader)).isEqualTo("1");
            sql.insert("m_roles", "a");
            sql.tick("m_roles");
            long batch = asReader.nextBatch("m_roles", reader);
            assertThat(asReader.scalar("select pgq.event_retry_many(?, (select array_agg(ev_id) from pgq.get_batch_events(?)), 60)",
                    batch, batch)).isEqualTo("1");
            assertThat(asReader.scalar("select pgq.event_retry_many(?, (select array_agg(ev_id) from pgq.get_batch_events(?)),"
                    + " array[now()])", batch, batch)).isEqualTo("0");
            asWriter.assertSqlError("select pgq.event_retry_many(?, '{1}'::bigint[], 60)",
                    "permission denied for function event_retry_many", batch);
            assertThat(asReader.scalar("select pgq.unregister_consumer('m_roles', ?)", reader)).isEqualTo("1");
        } finally {
            sql.execute("drop role " + reader);
            sql.execute("drop role " + writer);
        }
    }

    private String subId(String consumer) throws SQLException {
        return sql.scalar("select s.sub_id from pgq.subscription s join pgq.consumer c on c.co_id = s.sub_consumer"
                + " where c.co_name = ?", consumer);
    }

    /** Rows of the queue's event tables read in this transaction, by sequential and index scans. */
    private long rowsRead(String queueId) throws SQLException {
        return sql.scalarLong("select coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0)"
                + " from pg_stat_xact_user_tables where schemaname = 'pgq' and relname like ?", "event\\_" + queueId + "\\_%");
    }

    private String detail(String failing) throws SQLException {
        try {
            sql.execute(failing);
        } catch (org.postgresql.util.PSQLException e) {
            return e.getServerErrorMessage().getDetail();
        }
        throw new AssertionError("expected an error from " + failing);
    }
}
