package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session's cached slot behind {@code pgq.insert_event}: a producer session remembers which
 * data table its queue inserts into, across transactions, until another transaction changes the
 * queue's layout (rotation, insert flags, drop). Every such change must reach the producer's next
 * transaction.
 */
class InsertCacheTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    Sql producer;
    Sql admin;
    String queue;

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        producer = Sql.connect(db);
        admin = Sql.connect(db);
        queue = "ic_" + UUID.randomUUID().toString().substring(0, 8);
        admin.createEagerQueue(queue);
    }

    @AfterEach
    void close() throws SQLException {
        producer.close();
        admin.close();
    }

    @Test
    void theSessionKeepsItsSlotAcrossTransactions() throws SQLException {
        producer.execute("select pgq.insert_event(?, 't', 'one')", queue);
        assertThat(producer.scalar("select current_setting(?, true)", cacheSetting(queue)))
                .as("'<signature>:<slot>'").matches("[0-9a-f]{32}:" + admin.queueId(queue) * 1024);
        producer.execute("select pgq.insert_event(?, 't', 'two')", queue);
        assertThat(tableOf("two")).isEqualTo(tableOf("one"));
    }

    @Test
    void theSessionKeepsASlotForEachOfTheQueuesItAlternatesBetween() throws SQLException {
        String other = otherQueueInAnotherCacheSetting();
        admin.createEagerQueue(other);
        producer.begin();
        for (int round = 0; round < 3; round++) {
            producer.execute("select pgq.insert_event(?, 't', ?)", queue, "q" + round);
            producer.execute("select pgq.insert_event(?, 't', ?)", other, "o" + round);
        }
        assertThat(producer.scalar("select idx_scan + seq_scan from pg_stat_xact_user_tables"
                + " where relid = 'pgq.queue'::regclass"))
                .as("queue rows read for 6 events alternating between 2 queues (one each, then their slots)")
                .isEqualTo("2");
        producer.commit();
        assertThat(admin.column("select ev_data from pgq.event_" + admin.queueId(other) + " order by ev_id"))
                .containsExactly("o0", "o1", "o2");
        assertThat(admin.column("select ev_data from pgq.event_" + admin.queueId(queue) + " order by ev_id"))
                .containsExactly("q0", "q1", "q2");
    }

    @Test
    void aRotationByAnotherSessionMovesTheNextTransactionToTheNewTable() throws SQLException {
        producer.execute("select pgq.insert_event(?, 't', 'before')", queue);
        rotate();
        producer.execute("select pgq.insert_event(?, 't', 'after')", queue);
        assertThat(tableOf("after")).isNotEqualTo(tableOf("before"))
                .isEqualTo(admin.scalar("select pgq.current_event_table(?)", queue));
    }

    @Test
    void aRotationDuringATransactionLosesNoneOfItsEvents() throws SQLException {
        producer.begin();
        producer.execute("select pgq.insert_event(?, 't', 'first')", queue);
        rotate();
        // (registered after the rotation, which a consumer behind it would hold up; it still gets
        // the events that commit after its registration)
        admin.tick(queue);
        admin.execute("select pgq.register_consumer(?, 'c')", queue);
        producer.execute("select pgq.insert_event(?, 't', 'second')", queue);
        producer.commit();
        assertThat(tableOf("second")).as("the row read after the rotation committed")
                .isEqualTo(admin.scalar("select pgq.current_event_table(?)", queue)).isNotEqualTo(tableOf("first"));

        admin.tick(queue);
        java.util.List<String> delivered = new java.util.ArrayList<>();
        Long batch;
        while ((batch = admin.nextBatch(queue, "c")) != null) {
            delivered.addAll(admin.batchData(batch));
            admin.execute("select pgq.finish_batch(?)", batch);
        }
        assertThat(delivered).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void aTransactionThatChangesTheLayoutItselfCachesNoSlot() throws SQLException {
        admin.execute("select pgq.set_queue_config(?, 'rotation_period', '0')", queue);
        admin.begin();
        admin.execute("select pgq.maint_rotate_tables_step1(?)", queue);
        admin.execute("select pgq.insert_event(?, 't', 'in the rotating transaction')", queue);
        assertThat(admin.scalar("select coalesce(current_setting(?, true), '')", cacheSetting(queue)))
                .as("a slot read under the transaction's own, uncommitted layout").isEmpty();
        admin.commit();
        assertThat(tableOf("in the rotating transaction")).isEqualTo(admin.scalar("select pgq.current_event_table(?)", queue));
    }

    @Test
    void disablingInsertsByAnotherSessionIsHonouredByTheNextTransaction() throws SQLException {
        producer.execute("select pgq.insert_event(?, 't', 'allowed')", queue);
        admin.execute("update pgq.queue set queue_disable_insert = true where queue_name = ?", queue);
        producer.assertSqlError("select pgq.insert_event(?, 't', 'refused')", "Insert into queue disallowed", queue);
        admin.execute("update pgq.queue set queue_disable_insert = false, queue_per_tx_limit = 1 where queue_name = ?", queue);
        producer.begin();
        producer.execute("select pgq.insert_event(?, 't', 'limited')", queue);
        producer.assertSqlError("select pgq.insert_event(?, 't', 'over')", "Queue '" + queue + "' allows max 1 events from one TX",
                queue);
        producer.rollback();
    }

    @Test
    void aQueueDroppedAndCreatedAgainByAnotherSessionGetsTheEventsOfTheNextTransaction() throws SQLException {
        producer.execute("select pgq.insert_event(?, 't', 'old queue')", queue);
        admin.execute("select pgq.drop_queue(?)", queue);
        admin.createEagerQueue(queue);
        producer.execute("select pgq.insert_event(?, 't', 'new queue')", queue);
        assertThat(tableOf("new queue")).startsWith("pgq.event_" + admin.queueId(queue) + "_");
    }

    @Test
    void aForgedSlotCannotBypassTheChecks() throws SQLException {
        admin.execute("update pgq.queue set queue_disable_insert = true where queue_name = ?", queue);
        long slot = admin.queueId(queue) * 1024;
        producer.execute("select set_config(?, md5(coalesce(pg_sequence_last_value('pgq.insert_layout_seq'), 0)"
                + " || ':' || ? || ':' || ?) || ':' || ?, false)",
                cacheSetting(queue), queue, String.valueOf(slot), String.valueOf(slot));
        producer.assertSqlError("select pgq.insert_event(?, 't', 'forged')", "Insert into queue disallowed", queue);
    }

    /** The session setting in which {@code pgq.insert_event} keeps its cached slot for {@code name}. */
    private String cacheSetting(String name) throws SQLException {
        return admin.scalar("select 'pgq.sc_' || (hashtext(?) & 255)", name);
    }

    /** A queue name whose cached slot lives in another setting than this test's queue. */
    private String otherQueueInAnotherCacheSetting() throws SQLException {
        for (int i = 0; ; i++) {
            String name = queue + "_" + i;
            if (!cacheSetting(name).equals(cacheSetting(queue))) {
                return name;
            }
        }
    }

    private void rotate() throws SQLException {
        admin.execute("select pgq.set_queue_config(?, 'rotation_period', '0')", queue);
        admin.execute("select pgq.maint_rotate_tables_step2()");
        assertThat(admin.scalar("select pgq.maint_rotate_tables_step1(?)", queue)).isEqualTo("0");
        admin.execute("select pgq.maint_rotate_tables_step2()");
    }

    private String tableOf(String data) throws SQLException {
        return admin.scalar("select tableoid::regclass::text from pgq.event_" + admin.queueId(queue) + " where ev_data = ?",
                data);
    }
}
