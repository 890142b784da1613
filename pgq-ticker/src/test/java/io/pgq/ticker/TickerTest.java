package io.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.pgq.core.service.ServiceState;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;

class TickerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static TickerConfig fast() {
        return TickerConfig.builder().retryPeriod(Duration.ofMillis(100)).maintenancePeriod(Duration.ofMillis(200))
                .leaderCheckPeriod(Duration.ofMillis(100)).build();
    }

    @Test
    void ticksQuietQueuesFastAndNotifiesConsumers(TestDatabase db) throws Exception {
        // the queue itself would wait an hour before ticking a few events: a tick now comes from the
        // ticker's own cap on the lag (TickerConfig.DEFAULT_MAX_TICK_LAG), whatever the machine's speed
        Db.execute(db, "SELECT pgq.create_queue('quiet')", "SELECT pgq.register_consumer('quiet', 'c')",
                "SELECT pgq.set_queue_config('quiet', 'ticker_max_lag', '1 hour')",
                "SELECT pgq.set_queue_config('quiet', 'ticker_idle_period', '1 hour')");
        MetricRegistry metrics = new MetricRegistry();
        try (Ticker ticker = Ticker.builder("quiet-db", db.dataSource()).config(fast()).metrics(metrics).build();
             Connection listener = db.connect()) {
            listener.createStatement().execute("LISTEN " + TickerConfig.NOTIFY_CHANNEL);
            ticker.start();
            await().atMost(Db.WAIT).until(ticker::isLeader);
            long before = Db.lastTick(db, "quiet");

            Db.execute(db, "SELECT pgq.insert_event('quiet', 't', 'hello')");
            await().atMost(Db.WAIT).pollInterval(Duration.ofMillis(5)).until(() -> Db.lastTick(db, "quiet") > before);

            PGNotification[] notes = listener.unwrap(PGConnection.class).getNotifications((int) Db.WAIT.toMillis());
            assertThat(notes).isNotNull();
            assertThat(notes).extracting(PGNotification::getParameter).contains("quiet");
            assertThat(metrics.meter(TickerMetrics.ticks("quiet-db")).getCount()).isPositive();
            assertThat(ticker.role()).isEqualTo(TickerRole.LEADER);
            assertThat(ticker.isHealthy()).isTrue();
        }
    }

    @Test
    void rotatesTablesAndMovesRetriesBack(TestDatabase db) {
        Db.execute(db, "SELECT pgq.create_queue('rot')", "SELECT pgq.register_consumer('rot', 'c')",
                "SELECT pgq.set_queue_config('rot', 'rotation_period', '0')",
                "SELECT pgq.set_queue_config('rot', 'ticker_max_lag', '0')");
        MetricRegistry metrics = new MetricRegistry();
        try (Ticker ticker = Ticker.builder("rot-db", db.dataSource()).config(fast()).metrics(metrics).build()) {
            ticker.start();
            Db.execute(db, "SELECT pgq.insert_event('rot', 't', 'retry me')");
            long batch = awaitBatchWithEvents(db, "rot");
            Db.retryNowAndFinish(db, batch);

            long again = awaitBatchWithEvents(db, "rot");
            assertThat(Db.scalar(db, "SELECT ev_retry || ':' || ev_data FROM pgq.get_batch_events(" + again + ")"))
                    .isEqualTo("1:retry me");
            assertThat(metrics.meter(TickerMetrics.retries("rot-db")).getCount()).isEqualTo(1);
            assertThat(Db.scalarLong(db, "SELECT count(*) FROM pgq.retry_queue")).isZero();
            Db.execute(db, "SELECT pgq.finish_batch(" + again + ")");

            String table = Db.scalar(db, "SELECT queue_cur_table FROM pgq.queue WHERE queue_name = 'rot'");
            await().atMost(Db.WAIT).until(() -> {
                Long b = nextBatch(db, "rot");
                if (b != null) {
                    Db.execute(db, "SELECT pgq.finish_batch(" + b + ")");
                }
                return !table.equals(Db.scalar(db, "SELECT queue_cur_table FROM pgq.queue WHERE queue_name = 'rot'"));
            });
        }
    }

    static Long nextBatch(TestDatabase db, String queue) {
        String b = Db.scalar(db, "SELECT pgq.next_batch('" + queue + "', 'c')");
        return b == null ? null : Long.parseLong(b);
    }

    /** Skips empty batches until one has events. */
    static long awaitBatchWithEvents(TestDatabase db, String queue) {
        return await().atMost(Db.WAIT).until(() -> {
            Long b = nextBatch(db, queue);
            if (b == null) {
                return null;
            }
            if (Db.scalarLong(db, "SELECT count(*) FROM pgq.get_batch_events(" + b + ")") > 0) {
                return b;
            }
            Db.execute(db, "SELECT pgq.finish_batch(" + b + ")");
            return null;
        }, b -> b != null);
    }

    @Test
    void recoversWhenItsConnectionsAreKilled(TestDatabase db) {
        Db.execute(db, "SELECT pgq.create_queue('restart')", "SELECT pgq.set_queue_config('restart', 'ticker_max_lag', '0')");
        try (Ticker ticker = Ticker.builder("restart-db", db.dataSource()).config(fast()).metrics(new MetricRegistry()).build()) {
            ticker.start();
            await().atMost(Db.WAIT).until(ticker::isLeader);
            Db.execute(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE application_name = 'pgq-ticker' AND datname = current_database()");
            long before = Db.lastTick(db, "restart");
            Db.execute(db, "SELECT pgq.insert_event('restart', 't', 'after restart')");
            await().atMost(Db.WAIT).until(() -> Db.lastTick(db, "restart") > before);
            assertThat(ticker.isHealthy()).isTrue();
        }
    }

    @Test
    void reportsUnhealthyWhenTheDatabaseIsUnreachable() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=1");
        TickerConfig config = TickerConfig.builder().unhealthyAfter(Duration.ofSeconds(1)).build();
        MetricRegistry metrics = new MetricRegistry();
        try (Ticker ticker = Ticker.builder("nowhere", nowhere).config(config).metrics(metrics).build()) {
            ticker.start();
            await().atMost(Db.WAIT).until(() -> !ticker.isHealthy());
            assertThat(ticker.role()).isEqualTo(TickerRole.UNREACHABLE);
            assertThat(metrics.getGauges().get(TickerMetrics.healthy("nowhere")).getValue()).isEqualTo(0);
            assertThat(metrics.meter(TickerMetrics.errors("nowhere")).getCount()).isPositive();
        }
    }

    @Test
    void followsTheServiceLifecycleAndFreesItsNameForTheNextTicker(TestDatabase db) {
        MetricRegistry metrics = new MetricRegistry();
        Ticker first = Ticker.builder("same-name", db.dataSource()).config(fast()).metrics(metrics).build();
        assertThat(first.state()).isEqualTo(ServiceState.NEW);
        assertThat(metrics.getGauges()).isEmpty();                        // building registers no gauge
        first.start();
        assertThat(first.state()).isEqualTo(ServiceState.RUNNING);
        assertThatThrownBy(first::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
        await().atMost(Db.WAIT).until(first::isLeader);
        assertThat(first.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(first.state()).isEqualTo(ServiceState.STOPPED);
        assertThat(first.isHealthy()).isFalse();
        assertThat(metrics.getGauges()).isEmpty();                        // gauges go with the ticker
        assertThat(first.stop(Duration.ofSeconds(1))).isTrue();           // stopping twice is harmless

        try (Ticker second = Ticker.builder("same-name", db.dataSource()).config(fast()).metrics(metrics).build()) {
            second.start();
            await().atMost(Db.WAIT).until(second::isLeader);
            assertThat(metrics.getGauges().get(TickerMetrics.leader("same-name")).getValue()).isEqualTo(1);
        }
    }

    @Test
    void configurationIsValidated() {
        assertThatThrownBy(() -> TickerConfig.builder().tickPeriod(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tickPeriod must be at least 1 ms, got 0 ms");
        assertThatThrownBy(() -> TickerConfig.builder().maxTickLag(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTickLag must not be negative");
    }
}
