package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pgq.insert_events} (pgq-java addition) against {@code pgq.insert_event}: the same rows
 * except the ids, the same refusals with the same errors, the same roles, and rotation safety.
 */
class InsertEventsTest extends SchemaTestCase {

    static final String ROW = "ev_time, ev_txid, ev_owner, ev_retry, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4";
    static final String TYPES = "array['a', null, 'c']";
    static final String DATAS = "array['1', '2', null]";

    String queue;
    final List<String> roles = new ArrayList<>();

    @BeforeEach
    void createQueue() throws SQLException {
        queue = "ies_" + UUID.randomUUID().toString().substring(0, 8);
        sql.createEagerQueue(queue);
        sql.execute("select pgq.register_consumer(?, 'c')", queue);
    }

    @AfterEach
    void dropRoles() throws SQLException {
        for (String role : roles) {
            sql.execute("drop owned by " + role + " cascade");
            sql.execute("drop role " + role);
        }
    }

    @Test
    void theRowsAreInsertEventsExceptTheIdsWhichComeFromTheQueuesSequenceInInputOrder() throws SQLException {
        String reference = queue + "_ref";
        sql.createEagerQueue(reference);
        sql.begin();
        sql.execute("select pgq.insert_event(?, t, d, x1, x2, x3, x4) from unnest(" + TYPES + ", " + DATAS
                + ", array['x', null, ''], null::text[], array[null, 'y', null], null::text[]) as e(t, d, x1, x2, x3, x4)",
                reference);
        String ids = sql.scalar("select pgq.insert_events(?, " + TYPES + ", " + DATAS
                + ", array['x', null, ''], null, array[null, 'y', null])", queue);
        sql.commit();

        assertThat(rows(queue)).isEqualTo(rows(reference));
        List<String> stored = sql.column("select ev_id from pgq.event_" + sql.queueId(queue) + " order by ev_id");
        assertThat(ids).isEqualTo("{" + String.join(",", stored) + "}");
        assertThat(sql.scalar("select pgq.seq_getval(queue_event_seq) from pgq.queue where queue_name = ?", queue))
                .isEqualTo(stored.get(2));
        assertThat(sql.column("select ev_data from pgq.event_" + sql.queueId(queue) + " where ev_type = 'c'"))
                .containsExactly((String) null);
    }

    @Test
    void anEmptyCallInsertsNothing() throws SQLException {
        assertThat(sql.scalar("select pgq.insert_events(?, '{}', '{}')", queue)).isEqualTo("{}");
        assertThat(count(queue)).isZero();
    }

    @Test
    void badArgumentsFailWithClearErrorsAndInsertNothing() throws SQLException {
        sql.assertSqlError("select pgq.insert_events('no_such_queue_x', array['t'], array['d'])", "No such queue");
        assertThat(sql.error("select pgq.insert_event('no_such_queue_x', 't', 'd')")).isEqualTo("No such queue");
        sql.assertSqlError("select pgq.insert_events(null, array['t'], array['d'])", "Queue name must not be NULL");
        assertThat(sql.error("select pgq.insert_event(null, 't', 'd')")).isEqualTo("Queue name must not be NULL");
        sql.assertSqlError("select pgq.insert_events(?, null, array['d'])",
                "insert_events: ev_types and ev_datas must not be NULL", queue);
        sql.assertSqlError("select pgq.insert_events(?, array['t'], array['d', 'e'])",
                "insert_events: ev_datas has 2 elements but ev_types has 1", queue);
        sql.assertSqlError("select pgq.insert_events(?, array['t', 'u'], array['d', 'e'], null, null, null, array['z'])",
                "insert_events: ev_extra4 has 1 elements but ev_types has 2", queue);
        sql.assertSqlError("select pgq.insert_events(?, array[['t']], array[['d']])",
                "insert_events: ev_types has 2 dimensions", queue);
        assertThat(count(queue)).isZero();
    }

    @Test
    void disableInsertRefusesLikeInsertEventExceptUnderReplicaRole() throws SQLException {
        sql.execute("update pgq.queue set queue_disable_insert = true where queue_name = ?", queue);
        String expected = sql.error("select pgq.insert_event(?, 't', 'd')", queue);
        assertThat(expected).isEqualTo("Insert into queue disallowed");
        sql.assertSqlError("select pgq.insert_events(?, array['t'], array['d'])", expected, queue);
        assertThat(count(queue)).isZero();

        sql.begin();
        sql.execute("set local session_replication_role = replica");
        sql.execute("select pgq.insert_events(?, array['t', 'u'], array['d', 'e'])", queue);
        sql.commit();
        assertThat(count(queue)).isEqualTo(2);
    }

    @Test
    void perTxLimitCountsTheTransactionsEventsPlusTheNewOnes() throws SQLException {
        sql.execute("update pgq.queue set queue_per_tx_limit = 4 where queue_name = ?", queue);
        sql.begin();
        sql.execute("select pgq.insert_event(?, 't', 'one')", queue);
        sql.assertSqlError("select pgq.insert_events(?, array['t', 't', 't', 't'], array['a', 'b', 'c', 'd'])",
                "Queue '" + queue + "' allows max 4 events from one TX", queue);
        sql.execute("select pgq.insert_events(?, array['t', 't'], array['two', 'three'])", queue);
        sql.assertSqlError("select pgq.insert_events(?, array['t', 't'], array['a', 'b'])",
                "Queue '" + queue + "' allows max 4 events from one TX", queue);
        sql.execute("select pgq.insert_events(?, array['t'], array['four'])", queue);
        String expected = sql.error("select pgq.insert_event(?, 't', 'five')", queue);
        sql.commit();
        assertThat(expected).isEqualTo("Queue '" + queue + "' allows max 4 events from one TX");

        sql.execute("select pgq.insert_events(?, array['t', 't', 't', 't'], array['a', 'b', 'c', 'd'])", queue);
        assertThat(sql.column("select ev_data from pgq.event_" + sql.queueId(queue) + " order by ev_id"))
                .containsExactly("one", "two", "three", "four", "a", "b", "c", "d");
    }

    @Test
    void aWriterCallsItAndCannotReachWhatInsertEventDoesNotAllow() throws SQLException {
        String closed = queue + "_closed";
        sql.createEagerQueue(closed);
        sql.execute("update pgq.queue set queue_disable_insert = true where queue_name = ?", closed);
        String writer = role("w", "grant pgq_writer to %s");
        String reader = role("r", "grant pgq_reader to %s");
        try (Sql w = Sql.connect(db); Sql r = Sql.connect(db)) {
            w.execute("set role " + writer);
            r.execute("set role " + reader);
            // settings insert_event once trusted or still signs: insert_events reads none
            w.execute("select set_config('pgq.sc_name', ?, false), set_config('pgq.sc_slot', ?, false),"
                    + " set_config('pgq.sc_' || (hashtext(?) & 255), md5('forged') || ':' || ?, false)",
                    queue, String.valueOf(sql.queueId(closed) * 1024), queue, String.valueOf(sql.queueId(closed) * 1024));
            assertThat(w.scalar("select cardinality(pgq.insert_events(?, array['t', 't'], array['w1', 'w2']))", queue))
                    .isEqualTo("2");
            w.assertSqlError("select pgq.insert_events(?, array['t'], array['x'])", "Insert into queue disallowed", closed);
            w.assertSqlError("select pgq._insert_events_check_array('x', null, 0)",
                    "permission denied for function _insert_events_check_array");
            w.assertSqlError("insert into pgq.event_" + sql.queueId(queue) + "_0 (ev_id, ev_type) values (1, 't')",
                    "permission denied for table event_" + sql.queueId(queue) + "_0");
            r.assertSqlError("select pgq.insert_events(?, array['t'], array['x'])",
                    "permission denied for function insert_events", queue);
        }
        assertThat(sql.column("select ev_data from pgq.event_" + sql.queueId(queue) + " order by ev_id"))
                .containsExactly("w1", "w2");
        assertThat(count(closed)).isZero();
    }

    @Test
    void callsBeforeAndAfterARotationAllArrive() throws SQLException {
        sql.execute("select pgq.set_queue_config(?, 'rotation_period', '0')", queue);
        List<String> delivered = new ArrayList<>();
        sql.execute("select pgq.insert_events(?, array['t', 't'], array['1', '2'])", queue);
        readyToRotate(delivered);
        rotate(1);
        sql.execute("select pgq.insert_events(?, array['t', 't'], array['3', '4'])", queue);
        readyToRotate(delivered);
        sql.begin();
        sql.execute("select pgq.insert_events(?, array['t'], array['5'])", queue);
        rotate(2);
        sql.execute("select pgq.insert_events(?, array['t'], array['6'])", queue);
        sql.commit();
        sql.execute("select pgq.maint_rotate_tables_step2()");

        long id = sql.queueId(queue);
        assertThat(sql.column("select ev_data from pgq.event_" + id + "_1 order by ev_id")).containsExactly("3", "4", "5");
        assertThat(sql.column("select ev_data from pgq.event_" + id + "_2 order by ev_id")).containsExactly("6");
        sql.tick(queue);
        delivered.addAll(sql.consume(queue, "c"));
        assertThat(delivered).containsExactly("1", "2", "3", "4", "5", "6");
    }

    @Test
    void underRepeatableReadARotationCommittedAfterTheSnapshotFailsTheCall() throws SQLException {
        sql.execute("select pgq.set_queue_config(?, 'rotation_period', '0')", queue);
        readyToRotate(new ArrayList<>());
        try (Sql producer = Sql.connect(db)) {
            producer.begin();
            producer.execute("set transaction isolation level repeatable read");
            producer.execute("select 1");   // the snapshot, before the rotation
            rotate(1);
            assertThat(producer.error("select pgq.insert_events(?, array['t'], array['late'])", queue))
                    .isEqualTo("could not serialize access due to concurrent update");
            producer.rollback();
        }
        assertThat(count(queue)).isZero();
    }

    /**
     * Ends the previous rotation and moves the consumer past it, so that step 1 may rotate: the
     * consumer's last tick must show no transaction older than step 2 running, which another
     * session on the server may delay (bounded: 60 s).
     */
    private void readyToRotate(List<String> delivered) throws SQLException {
        sql.execute("select pgq.maint_rotate_tables_step2()");
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int attempt = 1; ; attempt++) {
            sql.tick(queue);
            delivered.addAll(sql.consume(queue, "c"));
            String ready = sql.scalar("select txid_snapshot_xmin(t.tick_snapshot) > q.queue_switch_step2"
                    + " from pgq.queue q join pgq.subscription s on s.sub_queue = q.queue_id"
                    + " join pgq.tick t on t.tick_queue = q.queue_id and t.tick_id = s.sub_last_tick"
                    + " where q.queue_name = ?", queue);
            if ("t".equals(ready)) {
                return;
            }
            assertThat(System.nanoTime()).as("the consumer's tick still predates step 2 after %s ticks in 60 s:"
                    + " a transaction older than step 2 is still running on the server", attempt).isLessThan(deadline);
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void rotate(int expectedTable) throws SQLException {
        sql.execute("select pgq.maint_rotate_tables_step1(?)", queue);
        assertThat(sql.scalar("select queue_cur_table from pgq.queue where queue_name = ?", queue))
                .as("current table after step 1").isEqualTo(String.valueOf(expectedTable));
    }

    private List<Map<String, String>> rows(String q) throws SQLException {
        return sql.records("select " + ROW + " from pgq.event_" + sql.queueId(q) + " order by ev_id");
    }

    private long count(String q) throws SQLException {
        return sql.scalarLong("select count(*) from pgq.event_" + sql.queueId(q));
    }

    private String role(String kind, String grant) throws SQLException {
        String name = "t_ies_" + kind + "_" + UUID.randomUUID().toString().substring(0, 8);
        sql.execute("create role " + name);
        roles.add(name);
        sql.execute(String.format(grant, name));
        return name;
    }
}
