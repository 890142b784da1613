package io.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A ticker started before the schema exists waits quietly and starts ticking once it is installed. */
@ExtendWith(PostgresExtension.class)
class TickerWithoutSchemaTest {

    @Test
    void worksBeforeTheSchemaIsInstalled(TestDatabase db) {
        try (Ticker ticker = Ticker.builder("late", db.dataSource()).config(TickerTest.fast()).metrics(new MetricRegistry()).build()) {
            ticker.start();
            await().pollDelay(Duration.ofMillis(300)).atMost(Db.WAIT).until(ticker::isHealthy);
            assertThat(ticker.isLeader()).isFalse();
            PgqSchema.install(db.dataSource());
            Db.execute(db, "SELECT pgq.create_queue('late_q')", "SELECT pgq.set_queue_config('late_q', 'ticker_max_lag', '0')");
            long before = Db.lastTick(db, "late_q");
            Db.execute(db, "SELECT pgq.insert_event('late_q', 't', 'x')");
            await().atMost(Db.WAIT).until(() -> Db.lastTick(db, "late_q") > before);
        }
    }
}
