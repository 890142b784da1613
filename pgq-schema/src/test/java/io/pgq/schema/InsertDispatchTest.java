package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The generated {@code pgq.insert_event}: while the unflagged queues have at most 64 data tables
 * it holds their INSERTs itself; beyond that it calls the bucket functions. Both forms must put
 * every queue's events into its current table, and the form must follow queues as they come and
 * go.
 */
class InsertDispatchTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    /** 21 queues of 3 tables are 63 tables: still inline; the 22nd makes 66. */
    private static final int INLINE_QUEUES = 21;

    Sql producer;
    Sql admin;

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        producer = Sql.connect(db);
        admin = Sql.connect(db);
        // (the test database is shared by the class: each test starts without queues)
        admin.execute("select pgq.drop_queue(queue_name, true) from pgq.queue");
    }

    @AfterEach
    void close() throws SQLException {
        producer.close();
        admin.close();
    }

    @Test
    void fewQueuesAreInsertedIntoByInsertEventItself() throws SQLException {
        List<String> queues = createQueues("few", INLINE_QUEUES);
        assertThat(insertEventSource()).contains("insert into " + currentTable(queues.get(0)))
                .doesNotContain("_insert_event_fast_b");
        assertEveryQueueGetsItsEventsInItsCurrentTable(queues);
    }

    @Test
    void manyQueuesGoThroughTheBucketFunctionsAndBackWhenQueuesAreDropped() throws SQLException {
        List<String> queues = createQueues("many", INLINE_QUEUES + 1);
        assertThat(insertEventSource()).contains("_insert_event_fast_b0", "_insert_event_fast_b1")
                .doesNotContain("insert into pgq.event_");
        assertEveryQueueGetsItsEventsInItsCurrentTable(queues);

        admin.execute("select pgq.drop_queue(?)", queues.remove(0));
        assertThat(insertEventSource()).doesNotContain("_insert_event_fast_b")
                .contains("insert into " + currentTable(queues.get(0)));
        assertEveryQueueGetsItsEventsInItsCurrentTable(queues);
    }

    @Test
    void aQueueWithInsertsDisabledHasNoInsertOfItsOwnAndIsRefused() throws SQLException {
        List<String> queues = createQueues("flagged", 2);
        String table = currentTable(queues.get(1));
        admin.execute("update pgq.queue set queue_disable_insert = true where queue_name = ?", queues.get(1));
        assertThat(insertEventSource()).doesNotContain("insert into " + table)
                .contains("insert into " + currentTable(queues.get(0)));
        producer.assertSqlError("select pgq.insert_event(?, 't', 'refused')", "Insert into queue disallowed", queues.get(1));
    }

    @Test
    void rotatedQueuesGetTheirEventsInTheNewTableInBothForms() throws SQLException {
        for (int count : new int[] {2, INLINE_QUEUES + 1}) {
            List<String> queues = createQueues("rot" + count + "_", count);
            insertIntoEach(queues, "before");
            rotate(queues.get(count - 1));
            assertEveryQueueGetsItsEventsInItsCurrentTable(queues);
        }
    }

    private List<String> createQueues(String prefix, int count) throws SQLException {
        List<String> queues = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String queue = prefix + i;
            admin.createEagerQueue(queue);
            queues.add(queue);
        }
        return queues;
    }

    private void assertEveryQueueGetsItsEventsInItsCurrentTable(List<String> queues) throws SQLException {
        String data = "d" + System.nanoTime();
        insertIntoEach(queues, data);
        for (String queue : queues) {
            assertThat(admin.scalar("select tableoid::regclass::text from pgq.event_" + admin.queueId(queue)
                    + " where ev_data = ?", data)).as(queue).isEqualTo(currentTable(queue));
        }
    }

    private void insertIntoEach(List<String> queues, String data) throws SQLException {
        for (String queue : queues) {
            // the 7-argument form in one transaction per event, then the 3-argument form
            producer.execute("select pgq.insert_event(?, 't', ?, null, null, null, null)", queue, data);
            producer.execute("select pgq.insert_event(?, 't3', ?)", queue, data + "/3");
        }
    }

    private String insertEventSource() throws SQLException {
        return admin.scalar("select prosrc from pg_proc where oid = 'pgq.insert_event(text,text,text,text,text,text,text)'"
                + "::regprocedure");
    }

    private String currentTable(String queue) throws SQLException {
        return admin.scalar("select pgq.current_event_table(?)", queue);
    }

    private void rotate(String queue) throws SQLException {
        admin.execute("select pgq.set_queue_config(?, 'rotation_period', '0')", queue);
        admin.execute("select pgq.maint_rotate_tables_step2()");
        assertThat(admin.scalar("select pgq.maint_rotate_tables_step1(?)", queue)).isEqualTo("0");
        admin.execute("select pgq.maint_rotate_tables_step2()");
    }
}
