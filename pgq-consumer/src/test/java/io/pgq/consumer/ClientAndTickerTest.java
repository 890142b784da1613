package io.pgq.consumer;

import com.codahale.metrics.MetricRegistry;
import io.pgq.core.Pgq;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fixture of the consumer tests that share one client and one ticker thread per test class:
 * a database with the schema, a client with its own metric registry, and a ticker that ticks
 * and moves due retries. Test classes run one after the other, so the statics are per class.
 */
abstract class ClientAndTickerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static MetricRegistry METRICS;
    static Pgq pgq;
    static TestSupport.Ticker ticker;
    static TestDatabase db;

    @BeforeAll
    static void startClientAndTicker(TestDatabase database) {
        db = database;
        METRICS = new MetricRegistry();
        pgq = TestSupport.client(db, METRICS);
        ticker = new TestSupport.Ticker(db.dataSource(), true);
    }

    @AfterAll
    static void stopClientAndTicker() throws InterruptedException {
        ticker.close();
        pgq.close();
    }
}
