package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pgq.core.internal.Availability;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/** A database that goes away and comes back, behind a TCP proxy that the test cuts and restores. */
class OutageTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger availabilityLogger = (Logger) LoggerFactory.getLogger(Availability.class);

    @BeforeEach
    void captureLog() {
        log.start();
        availabilityLogger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        availabilityLogger.detachAppender(log);
    }

    private static TcpProxy proxy(TestDatabase db) throws Exception {
        PGSimpleDataSource ds = (PGSimpleDataSource) db.dataSource();
        return new TcpProxy(ds.getServerNames()[0], ds.getPortNumbers()[0] == 0 ? 5432 : ds.getPortNumbers()[0]);
    }

    private static String via(TcpProxy proxy, TestDatabase db, String database) {
        return db.jdbcUrl().replaceFirst("//[^/]*/[^?]*", "//127.0.0.1:" + proxy.port() + "/" + database);
    }

    private static Pgq client(String url, TestDatabase db) {
        String jdbcUrl = url;
        String user = db.user();
        String password = db.password();
        // tag::connectionTimeout[]
        Pgq pgq = Pgq.create(PgqConfig.builder()
                .jdbcUrl(jdbcUrl).username(user).password(password)
                .connectionTimeout(Duration.ofSeconds(1))    // default 5 s
                .maximumPoolSize(2)
                .installSchema(false)
                .build());
        // end::connectionTimeout[]
        return pgq;
    }

    private List<String> lines(Level level) {
        return log.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void sendDuringAnOutageFailsWithinTheTimeoutAndLogsOneLinePerStateChange(TestDatabase db) throws Exception {
        try (TcpProxy proxy = proxy(db); Pgq pgq = client(via(proxy, db, db.name()), db)) {
            pgq.admin().createQueue("outage");
            pgq.producer().send("outage", "t", "before");
            String label = "127.0.0.1:" + proxy.port() + "/" + db.name();

            proxy.cut();
            Producer producer = pgq.producer();
            boolean sent;
            // tag::outage[]
            try {
                producer.send("outage", "t", "during");       // waits at most connectionTimeout
                sent = true;
            } catch (DatabaseUnavailableException e) {       // a RetriableException: nothing was committed
                sent = false;                                 // keep the event, send it again later
            }
            // end::outage[]
            assertThat(sent).isFalse();
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> pgq.producer().send("outage", "t", "during"))
                        .isInstanceOf(DatabaseUnavailableException.class)
                        .hasMessageContaining("Sending events failed").hasMessageContaining("nothing was committed")
                        .hasMessageContaining("(database " + label + ")").hasMessageContaining("queue: outage")
                        .satisfies(e -> assertThat(((PgqException) e).isRetriable()).isTrue());
            }
            assertThat(lines(Level.WARN)).as("one line when the database is lost, none for the next failures")
                    .hasSize(1).first().asString().startsWith("Producer: database " + label + " unreachable: ");
            assertThat(lines(Level.INFO)).isEmpty();

            proxy.restore();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> pgq.producer().send("outage", "t", "after") > 0);
            assertThat(lines(Level.INFO)).hasSize(1).first().asString()
                    .startsWith("Producer: database " + label + " reachable again after ");
            assertThat(lines(Level.WARN)).filteredOn(l -> !l.contains("still unreachable")).hasSize(1);
        }
    }

    @Test
    void createOnAMissingDatabaseNamesTheMaskedUrlAndWhatToDo(TestDatabase db) throws Exception {
        try (TcpProxy proxy = proxy(db)) {
            String url = via(proxy, db, "no_such_database") + (db.jdbcUrl().contains("?") ? "&" : "?")
                    + "password=s3cret";
            assertThatThrownBy(() -> client(url, db))
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("Cannot connect to jdbc:postgresql://127.0.0.1:" + proxy.port()
                            + "/no_such_database")
                    .hasMessageContaining("password=****").hasMessageNotContaining("s3cret")
                    .hasMessageContaining("\"no_such_database\" does not exist").hasMessageContaining("[SQLState 3D000]")
                    .hasMessageContaining("create the database");
        }
    }

    @Test
    void createWhileTheServerIsDownIsRetriable(TestDatabase db) throws Exception {
        try (TcpProxy proxy = proxy(db)) {
            String url = via(proxy, db, db.name());
            proxy.cut();
            assertThatThrownBy(() -> client(url, db))
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("Cannot connect to jdbc:postgresql://127.0.0.1:" + proxy.port())
                    .hasMessageContaining("check that the server runs");
        }
    }

    @Test
    void connectionTimeoutIsValidated() {
        assertThatThrownBy(() -> PgqConfig.builder().jdbcUrl("jdbc:postgresql://h/d")
                .connectionTimeout(Duration.ofMillis(100)).build())
                .hasMessage("connectionTimeout must be at least 250 ms, got 100 ms");
        assertThatThrownBy(() -> PgqConfig.builder().dataSource(new PGSimpleDataSource())
                .connectionTimeout(Duration.ofSeconds(3)).build())
                .hasMessageContaining("with your own dataSource, set the timeout there");
        assertThat(PgqConfig.builder().jdbcUrl("jdbc:postgresql://h/d").build().connectionTimeout())
                .isEqualTo(PgqConfig.DEFAULT_CONNECTION_TIMEOUT);
    }
}
