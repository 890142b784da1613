package io.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.PgqModule;
import io.pgq.core.service.ServiceState;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ticker through Guice: built from the injected client, started by the application. */
class TickerModuleTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @Test
    void tickerOnTheInjectedClient(TestDatabase db) {
        Injector injector = Guice.createInjector(
                new PgqModule(PgqConfig.builder().dataSource(db.dataSource()).build())
                        .annotatedWith(Names.named("app")),
                new TickerModule("app-db", TickerTest.fast()).usingClient(Names.named("app")));
        Ticker ticker = injector.getInstance(TickerModule.key("app-db"));
        assertThat(injector.getInstance(TickerModule.key("app-db"))).isSameAs(ticker);
        assertThat(ticker.state()).isEqualTo(ServiceState.NEW); // Guice starts nothing
        Pgq pgq = injector.getInstance(Key.get(Pgq.class, Names.named("app")));
        pgq.admin().createQueue("guiced");
        long before = Db.lastTick(db, "guiced");
        try (ticker) {
            ticker.start();
            pgq.producer().send("guiced", "t", "x");
            await().atMost(Duration.ofSeconds(10)).until(() -> Db.lastTick(db, "guiced") > before);
            assertThat(pgq.metrics().getGauges()).containsKey(TickerMetrics.leader("app-db")); // the client's registry
        } finally {
            pgq.close();
        }
        assertThat(ticker.state()).isEqualTo(ServiceState.STOPPED);
    }
}
