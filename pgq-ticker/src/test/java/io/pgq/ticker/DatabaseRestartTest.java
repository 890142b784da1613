package io.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.ServerKind;
import io.pgq.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

/** The whole server restarts under a running ticker: it reconnects and ticks again by itself. */
class DatabaseRestartTest {

    @Test
    void tickerRecoversAfterTheServerRestarts() throws Exception {
        Path data = Files.createTempDirectory("pgq-restart-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = start(data, port);
        TestDatabase db = new TestDatabase("postgres", pg.getJdbcUrl("postgres", "postgres"), "postgres", null,
                ServerKind.EMBEDDED);
        PgqSchema.install(db.dataSource());
        Db.execute(db, "SELECT pgq.create_queue('restart')", "SELECT pgq.set_queue_config('restart', 'ticker_max_lag', '0')");
        TickerConfig config = TickerConfig.builder().leaderCheckPeriod(Duration.ofMillis(100)).build();
        try (Ticker ticker = Ticker.builder("restart", db.dataSource()).config(config).metrics(new MetricRegistry()).build()) {
            ticker.start();
            await().atMost(Db.WAIT).until(ticker::isLeader);

            pg.close();
            await().atMost(Db.WAIT).until(() -> ticker.role() == TickerRole.UNREACHABLE);
            pg = start(data, port);

            await().atMost(Db.WAIT).until(ticker::isLeader);
            long before = Db.lastTick(db, "restart");
            Db.execute(db, "SELECT pgq.insert_event('restart', 't', 'after restart')");
            await().atMost(Db.WAIT).until(() -> Db.lastTick(db, "restart") > before);
            assertThat(ticker.isHealthy()).isTrue();
        } finally {
            pg.close();
            deleteRecursively(data);
        }
    }

    /** Keeps the data directory when stopped, so the second start is a restart of the same cluster. */
    private static EmbeddedPostgres start(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setOutputRedirector(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
