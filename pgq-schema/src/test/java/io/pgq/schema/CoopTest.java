package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** pgq_coop: cooperative consumers sharing one consumer's position (reference §2.9). */
class CoopTest {

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

    @Test
    void fourParallelSubconsumersNeverGetTheSameBatchAndEveryEventIsHandedOutOnce() throws Exception {
        sql.createEagerQueue("co_par");
        assertThat(sql.scalar("select pgq.register_consumer('co_par', 'grp')")).isEqualTo("1");
        Map<Long, String> owners = new ConcurrentHashMap<>();
        List<String> consumed = Collections.synchronizedList(new ArrayList<>());
        List<String> produced = new ArrayList<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> workers = new ArrayList<>();
        for (int w = 1; w <= 4; w++) {
            String name = "w" + w;
            workers.add(pool.submit(() -> work(name, owners, consumed, producing)));
        }
        try {
            for (int tick = 0; tick < 40; tick++) {
                for (int e = 0; e < 3; e++) {
                    String data = tick + "." + e;
                    sql.insert("co_par", data);
                    produced.add(data);
                }
                sql.tick("co_par");
            }
        } finally {
            producing.set(false);
        }
        int batches = 0;
        for (Future<Integer> f : workers) {
            batches += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(batches).as("batches taken in all").isEqualTo(owners.size()).isGreaterThan(4);
        assertThat(new HashSet<>(owners.values())).as("subconsumers that got a batch").hasSizeGreaterThan(1);
        assertThat(consumed).as("events handed out").hasSameSizeAs(produced).containsExactlyInAnyOrderElementsOf(produced);
    }

    /** One subconsumer's loop: take, read and finish batches until the producer stopped and nothing is left. */
    private int work(String name, Map<Long, String> owners, List<String> consumed, AtomicBoolean producing)
            throws SQLException, InterruptedException {
        int batches = 0;
        try (Sql s = Sql.connect(db)) {
            while (true) {
                boolean wasProducing = producing.get();
                String id = s.scalar("select pgq_coop.next_batch('co_par', 'grp', ?, '1 hour')", name);
                if (id == null) {
                    if (!wasProducing) {
                        return batches;
                    }
                    Thread.sleep(2);
                    continue;
                }
                long batch = Long.parseLong(id);
                String previous = owners.putIfAbsent(batch, name);
                assertThat(previous).as("batch %d handed to %s was already handed to %s", batch, name, previous).isNull();
                consumed.addAll(s.batchData(batch));
                assertThat(s.scalar("select pgq_coop.finish_batch(?)", batch)).isEqualTo("1");
                batches++;
            }
        }
    }

    @Test
    void aSubconsumerThatStoppedIsTakenOverAfterTheDeadInterval() throws SQLException {
        sql.createEagerQueue("co_dead");
        assertThat(sql.scalar("select pgq_coop.register_subconsumer('co_dead', 'grp', 's1')")).isEqualTo("1");
        sql.insert("co_dead", "a");
        sql.tick("co_dead");
        long batch = Long.parseLong(sql.scalar("select pgq_coop.next_batch('co_dead', 'grp', 's1')"));
        assertThat(sql.scalar("select pgq_coop.next_batch('co_dead', 'grp', 's1')")).as("same batch while open")
                .isEqualTo(String.valueOf(batch));

        assertThat(sql.scalar("select pgq_coop.next_batch('co_dead', 'grp', 's2', '1 hour')"))
                .as("s1 is alive: no take-over, and no new batch yet").isNull();
        sql.execute("update pgq.subscription s set sub_active = now() - interval '2 hours' from pgq.consumer c"
                + " where c.co_id = s.sub_consumer and c.co_name = 'grp.s1'");
        assertThat(sql.scalar("select pgq_coop.next_batch('co_dead', 'grp', 's2', '1 hour')"))
                .as("s2 takes over s1's batch").isEqualTo(String.valueOf(batch));
        assertThat(sql.column("select consumer_name from pgq.get_consumer_info('co_dead') order by 1"))
                .containsExactly("grp", "grp.s2");
        assertThat(sql.batchData(batch)).containsExactly("a");
        assertThat(sql.scalar("select pgq_coop.finish_batch(?)", batch)).isEqualTo("1");
        assertThat(sql.scalar("select pgq_coop.finish_batch(?)", batch)).isEqualTo("0");
        assertThat(sql.takeWarnings()).containsExactly("coop_finish_batch: batch " + batch + " not found");

        // a dead member without a batch is just removed
        assertThat(sql.scalar("select pgq_coop.register_subconsumer('co_dead', 'grp', 's3')")).isEqualTo("1");
        sql.execute("update pgq.subscription s set sub_active = now() - interval '2 hours' from pgq.consumer c"
                + " where c.co_id = s.sub_consumer and c.co_name = 'grp.s3'");
        assertThat(sql.scalar("select pgq_coop.next_batch('co_dead', 'grp', 's2', '1 hour')")).isNull();
        assertThat(sql.column("select consumer_name from pgq.get_consumer_info('co_dead') order by 1"))
                .containsExactly("grp", "grp.s2");
    }

    @Test
    void unregisterWithAnOpenBatchFailsWithHandling0AndDropsTheBatchWith1() throws SQLException {
        sql.createEagerQueue("co_unreg");
        assertThat(sql.scalar("select pgq_coop.register_subconsumer('co_unreg', 'grp', 's1')")).isEqualTo("1");
        assertThat(sql.scalar("select pgq_coop.register_subconsumer('co_unreg', 'grp', 's1')")).isEqualTo("0");
        sql.insert("co_unreg", "x");
        sql.tick("co_unreg");
        long batch = Long.parseLong(sql.scalar("select pgq_coop.next_batch('co_unreg', 'grp', 's1')"));

        sql.assertSqlError("select pgq_coop.unregister_subconsumer('co_unreg', 'grp', 's1', 0)", "subconsumer has active batch");
        assertThat(sql.scalar("select pgq_coop.unregister_subconsumer('co_unreg', 'grp', 's1', 1)")).isEqualTo("1");
        assertThat(sql.column("select consumer_name from pgq.get_consumer_info('co_unreg')")).containsExactly("grp");
        assertThat(sql.scalar("select pgq_coop.finish_batch(?)", batch)).as("the batch was dropped").isEqualTo("0");
        assertThat(sql.scalar("select pgq_coop.unregister_subconsumer('co_unreg', 'grp', 's1', 0)")).isEqualTo("0");
        assertThat(sql.scalar("select pgq_coop.next_batch('co_unreg', 'grp', 's1')"))
                .as("the dropped batch's events are not handed out again").isNull();
    }

    @Test
    void nextBatchRegistersTheConsumerAndTheSubconsumer() throws SQLException {
        sql.createEagerQueue("co_auto");
        assertThat(sql.scalar("select pgq_coop.next_batch_custom('co_auto', 'grp', 's1', null, null, null)")).isNull();
        assertThat(sql.column("select consumer_name from pgq.get_consumer_info('co_auto') order by 1"))
                .containsExactly("grp", "grp.s1");
        assertThat(sql.scalar("select count(distinct s.sub_id) from pgq.subscription s join pgq.queue q on q.queue_id = s.sub_queue"
                + " where q.queue_name = 'co_auto'")).as("the group shares the main consumer's sub_id").isEqualTo("1");
        sql.insert("co_auto", "e1");
        sql.tick("co_auto");
        String batch = sql.scalar("select pgq_coop.next_batch('co_auto', 'grp', 's2')");
        assertThat(batch).isNotNull();
        assertThat(sql.batchData(Long.parseLong(batch))).containsExactly("e1");
        assertThat(sql.column("select consumer_name from pgq.get_consumer_info('co_auto') order by 1"))
                .containsExactly("grp", "grp.s1", "grp.s2");
    }

    @Test
    void unregisteringTheMainConsumerRemovesTheSubconsumers() throws SQLException {
        sql.createEagerQueue("co_main");
        sql.execute("select pgq_coop.register_subconsumer('co_main', 'grp', 's1')");
        sql.execute("select pgq_coop.register_subconsumer('co_main', 'grp', 's2')");
        sql.execute("select pgq.register_consumer('co_main', 'other')");
        sql.insert("co_main", "e1");
        sql.tick("co_main");
        assertThat(sql.scalar("select pgq_coop.next_batch('co_main', 'grp', 's1')")).isNotNull();

        assertThat(sql.scalar("select pgq.unregister_consumer('co_main', 'grp')")).isEqualTo("3");
        assertThat(sql.column("select consumer_name from pgq.get_consumer_info('co_main')")).containsExactly("other");
        assertThat(sql.scalar("select pgq_coop.unregister_subconsumer('co_main', 'grp', 's2', 0)")).isEqualTo("0");
    }
}
