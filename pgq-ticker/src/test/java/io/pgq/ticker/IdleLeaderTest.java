package io.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import io.pgq.testing.internal.DatabaseFactory;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The leader of a database whose queues are idle runs no tick pass for its own work (lease
 * renewals, retry moves that find nothing) nor for writes in other databases of the server, and
 * keeps ticking while the retry queue is locked (moving retries is tested in TickerTest).
 */
class IdleLeaderTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    /** The safety net: a pass at least this often, whatever happens (TickLoop.LONGEST_QUIET_PERIOD). */
    static final Duration SAFETY_NET = Duration.ofSeconds(10);

    static TickerConfig retryingOften() {
        return TickerConfig.builder().retryPeriod(Duration.ofMillis(20)).maintenancePeriod(Duration.ofHours(1))
                .leaderCheckPeriod(Duration.ofMillis(100)).build();
    }

    @Test
    void anIdleLeaderRunsNoPassForItsOwnWorkOrForWritesElsewhere(TestDatabase db) throws Exception {
        // no queue: no pass is ever due by time (idle back-off ticks), only the safety net's;
        // and no operation of the maintenance run is repeated (each marks its meter once)
        long operations = Db.scalarLong(db, "SELECT count(*) FROM pgq.maint_operations()");
        TestDatabase other = DatabaseFactory.instance().create("IdleLeaderOther");
        MetricRegistry metrics = new MetricRegistry();
        try (Ticker ticker = Ticker.builder("idle-db", db.dataSource()).config(retryingOften()).metrics(metrics).build();
             Connection elsewhere = other.connect(); Statement st = elsewhere.createStatement()) {
            st.execute("CREATE TABLE w (x int)");
            ticker.start();
            await().atMost(Db.WAIT).until(ticker::isLeader);
            Timer passes = metrics.timer(TickerMetrics.tickPass("idle-db"));
            Meter maintenance = metrics.meter(TickerMetrics.maintenance("idle-db"));
            // the first maintenance run (the next look sees its session once) and the start-up passes
            await().atMost(Db.WAIT).until(() -> maintenance.getCount() >= operations);
            awaitQuietFor(Duration.ofSeconds(2), passes::getCount, () -> st.execute("INSERT INTO w VALUES (-1)"));

            // nothing touches the ticker's database from here on: the retry check runs every 20 ms
            // and the lease is renewed every second, while another database writes all the time
            long before = passes.getCount();
            long start = System.nanoTime();
            int writes = 60;
            for (int i = 0; i < writes; i++) {
                st.execute("INSERT INTO w VALUES (" + i + ")");
                Thread.sleep(50);
            }
            long elapsed = System.nanoTime() - start;
            long allowed = 1 + elapsed / SAFETY_NET.toNanos();
            assertThat(passes.getCount() - before)
                    .as("tick passes during %d writes in another database over %d ms (the safety net allows %d)",
                            writes, elapsed / 1_000_000, allowed)
                    .isLessThanOrEqualTo(allowed);
            assertThat(ticker.isLeader()).isTrue();
        } finally {
            DatabaseFactory.instance().drop(other);
        }
    }

    @Test
    void keepsTickingWhileTheRetryQueueIsLocked(TestDatabase db) throws Exception {
        Db.execute(db, "SELECT pgq.create_queue('lq')", "SELECT pgq.register_consumer('lq', 'c')");
        MetricRegistry metrics = new MetricRegistry();
        try (Ticker ticker = Ticker.builder("lock-db", db.dataSource()).config(retryingOften()).metrics(metrics).build();
             Connection locker = db.connect()) {
            ticker.start();
            await().atMost(Db.WAIT).until(ticker::isLeader);
            Db.execute(db, "SELECT pgq.insert_event('lq', 't', 'first')");
            long batch = TickerTest.awaitBatchWithEvents(db, "lq");
            // the lock a VACUUM of the retry queue takes: retries can still be queued, not moved
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("LOCK TABLE pgq.retry_queue IN SHARE UPDATE EXCLUSIVE MODE");
            }
            Db.retryNowAndFinish(db, batch);
            Db.execute(db, "SELECT pgq.insert_event('lq', 't', 'second')");
            long during = TickerTest.awaitBatchWithEvents(db, "lq");
            assertThat(Db.column(db, "SELECT ev_data FROM pgq.get_batch_events(" + during + ")"))
                    .as("ticked while the retry queue was locked").containsExactly("second");
            Db.execute(db, "SELECT pgq.finish_batch(" + during + ")");
            assertThat(ticker.isHealthy()).isTrue();
            locker.commit();

            long after = TickerTest.awaitBatchWithEvents(db, "lq");
            assertThat(Db.column(db, "SELECT ev_data FROM pgq.get_batch_events(" + after + ")"))
                    .as("the retry moved once the lock was gone").containsExactly("first");
        }
    }

    /** Something to do while waiting. */
    interface Step {
        void run() throws Exception;
    }

    /**
     * Waits (bounded) until {@code count} did not move for {@code quiet}, running {@code meanwhile}
     * at each look.
     */
    private static void awaitQuietFor(Duration quiet, LongSupplier count, Step meanwhile) {
        long first = count.getAsLong();
        long[] seen = {first, System.nanoTime()};
        try {
            await().atMost(Db.WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                meanwhile.run();
                long now = count.getAsLong();
                if (now != seen[0]) {
                    seen[0] = now;
                    seen[1] = System.nanoTime();
                }
                return System.nanoTime() - seen[1] >= quiet.toNanos();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the idle leader never went " + quiet.toMillis() + " ms without a tick pass within "
                    + Db.WAIT.toSeconds() + " s: " + (count.getAsLong() - first) + " passes meanwhile", e);
        }
    }
}
