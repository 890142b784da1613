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
import org.postgresql.util.PSQLException;

/** The lease of a plain consumer: one holder, take-over after expiry or release, fenced finish. */
class ConsumerLeaseTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    TestDatabase db;
    Sql sql;

    @BeforeEach
    void open(TestDatabase db) throws SQLException {
        this.db = db;
        sql = Sql.connect(db);
    }

    @AfterEach
    void close() throws SQLException {
        sql.close();
    }

    /** [epoch, holder] of a take. */
    private List<String> take(String queue, String owner, String lease) throws SQLException {
        return sql.rows("select epoch, holder from pgq._consumer_lease_take(?, 'c', ?, ?::interval)", queue, owner, lease)
                .get(0);
    }

    private void queueWithConsumer(String queue) throws SQLException {
        sql.execute("select pgq.create_queue(?)", queue);
        sql.execute("select pgq.set_queue_config(?, 'ticker_max_lag', '0')", queue);
        sql.execute("select pgq.set_queue_config(?, 'ticker_idle_period', '0')", queue);
        sql.execute("select pgq.register_consumer(?, 'c')", queue);
    }

    private String sqlState(String statement, Object... args) throws SQLException {
        try {
            sql.execute(statement, args);
        } catch (PSQLException e) {
            return e.getSQLState();
        }
        return "no error";
    }

    private void waitUntilExpired(String queue) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"t".equals(sql.scalar("select l.cl_expires_at < clock_timestamp() from pgq.consumer_lease l "
                + "join pgq.queue q on q.queue_id = l.cl_queue where q.queue_name = ?", queue))) {
            assertThat(System.nanoTime()).as("the lease on %s should have expired", queue).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void oneHolderAtATimeUntilItReleasesOrItsLeaseExpires() throws Exception {
        queueWithConsumer("cl_one");
        assertThat(take("cl_one", "a", "30 s")).containsExactly("1", "a");
        assertThat(take("cl_one", "a", "300 ms")).as("renewal keeps the epoch").containsExactly("1", "a");
        assertThat(take("cl_one", "b", "30 s")).as("b stands by").containsExactly(null, "a");
        waitUntilExpired("cl_one");
        assertThat(take("cl_one", "b", "30 s")).as("taken after expiry").containsExactly("2", "b");
        assertThat(take("cl_one", "a", "30 s")).as("the old holder cannot renew").containsExactly(null, "b");
        assertThat(sql.scalar("select pgq._consumer_lease_release('cl_one', 'c', 'a', 1)")).isEqualTo("f");
        assertThat(sql.scalar("select pgq._consumer_lease_release('cl_one', 'c', 'b', 2)")).isEqualTo("t");
        assertThat(take("cl_one", "a", "30 s")).as("taken at once after release").containsExactly("3", "a");
    }

    @Test
    void anInstanceThatLostTheLeaseCannotFinishItsBatch() throws Exception {
        queueWithConsumer("cl_fence");
        take("cl_fence", "old", "300 ms");
        sql.insert("cl_fence", "e1");
        sql.tick("cl_fence");
        long batch = sql.nextBatch("cl_fence", "c");
        waitUntilExpired("cl_fence");
        assertThat(take("cl_fence", "new", "30 s")).containsExactly("2", "new");

        assertThat(sqlState("select pgq._consumer_lease_finish_batch('cl_fence', 'c', 'old', 1, ?)", batch))
                .isEqualTo("PGQ01");
        assertThat(sql.nextBatch("cl_fence", "c")).as("the open batch is handed out again").isEqualTo(batch);
        assertThat(sql.scalar("select pgq._consumer_lease_finish_batch('cl_fence', 'c', 'new', 2, ?)", batch))
                .isEqualTo("1");
        assertThat(sql.scalar("select pgq._consumer_lease_finish_batch('cl_fence', 'c', 'new', 2, ?)", batch))
                .as("not an open batch any more").isEqualTo("0");
    }

    @Test
    void aTakeNeverWaitsForAFinishingTransactionAndOneAfterItsCommitFencesIt() throws Exception {
        queueWithConsumer("cl_race");
        take("cl_race", "holder", "300 ms");
        sql.insert("cl_race", "e1");
        sql.tick("cl_race");
        long batch = sql.nextBatch("cl_race", "c");
        waitUntilExpired("cl_race");
        try (Sql other = Sql.connect(db)) {
            sql.begin();
            assertThat(sql.scalar("select pgq._consumer_lease_finish_batch('cl_race', 'c', 'holder', 1, ?)", batch))
                    .isEqualTo("1");
            assertThat(other.rows("select epoch, holder from pgq._consumer_lease_take('cl_race', 'c', 'taker', '30 s')"))
                    .as("the row is locked by the finishing transaction: still held")
                    .containsExactly(java.util.Arrays.asList(null, "holder"));
            sql.commit();
            assertThat(other.rows("select epoch, holder from pgq._consumer_lease_take('cl_race', 'c', 'taker', '30 s')"))
                    .containsExactly(List.of("2", "taker"));
        }
        assertThat(sql.scalar("select sub_batch from pgq.subscription")).as("the batch was finished").isNull();
        assertThat(sqlState("select pgq._consumer_lease_finish_batch('cl_race', 'c', 'holder', 1, 0)"))
                .isEqualTo("PGQ01");
    }

    @Test
    void badInputIsRefusedAndLeasesGoWithTheirQueue() throws Exception {
        queueWithConsumer("cl_bad");
        assertThat(sql.error("select pgq._consumer_lease_take('cl_bad', 'nobody', 'a', '1 s')"))
                .contains("Not subscriber to queue: cl_bad/nobody");
        assertThat(sql.error("select pgq._consumer_lease_take('cl_bad', 'c', '', '1 s')"))
                .contains("owner must not be empty");
        assertThat(sql.error("select pgq._consumer_lease_take('cl_bad', 'c', 'a', '0 s')"))
                .contains("lease time must be positive");
        take("cl_bad", "a", "30 s");
        sql.execute("select pgq.unregister_consumer('cl_bad', 'c')");
        sql.execute("select pgq.drop_queue('cl_bad')");
        assertThat(sql.scalar("select count(*) from pgq.consumer_lease")).isEqualTo("0");
    }

    @Test
    void aReaderTakesAndFinishesButCannotWriteTheTableDirectly() throws Exception {
        queueWithConsumer("cl_role");
        String role = "cl_reader_" + Long.toHexString(System.nanoTime());
        sql.execute("create role " + role + " login in role pgq_reader");
        try {
            sql.execute("set role " + role);
            assertThat(take("cl_role", "r", "30 s")).containsExactly("1", "r");
            assertThat(sql.error("update pgq.consumer_lease set cl_owner = 'x'")).contains("permission denied");
            sql.execute("reset role");
        } finally {
            sql.execute("reset role");
            sql.execute("drop owned by " + role);
            sql.execute("drop role " + role);
        }
    }
}
