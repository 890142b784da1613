package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.execute;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The retries of a batch are written in one call of {@code pgq.event_retry_many} on pgq-java's
 * schema, however many chunks the batch is read in, and with one {@code pgq.event_retry} per
 * event on the reference PgQ. Calls are counted by the server ({@code track_functions}).
 */
class RetryCallsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static final String REFERENCE_URL = Objects.requireNonNullElse(System.getenv("PGQ_REFERENCE_JDBC_URL"),
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    static final int EVENTS = 2_000;
    static final int FETCH = 100;
    /** Every 50th event is retried: 40 retries spread over 20 chunks. */
    static final int RETRIED = EVENTS / 50;

    @Test
    void pgqJavasSchemaGetsOneEventRetryManyCallPerBatch(TestDatabase db) throws Exception {
        DataSource ds = db.dataSource();
        trackFunctionCalls(ds);
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(freshSessions(db)).installSchema(false).build())) {
            consumeRetryingEvery50th(pgq, ds);
        }
        await().atMost(TestSupport.WAIT).untilAsserted(() ->
                assertThat(calls(ds, "pgq.event_retry_many(bigint, bigint[], timestamptz[])")).isEqualTo(1));
        assertThat(calls(ds, "pgq.event_retry(bigint, bigint, timestamptz)")).isZero();
        assertRetried(ds);
    }

    @Test
    void theReferencePgqGetsEventRetryPerEvent() throws Exception {
        PGSimpleDataSource server = new PGSimpleDataSource();
        server.setURL(REFERENCE_URL);
        assumeTrue(referenceAvailable(server), "no reference PgQ at " + REFERENCE_URL
                + " (install postgresql-<version>-pgq3, or set PGQ_REFERENCE_JDBC_URL): skipping");
        String name = "pgqretry_ref_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        execute(server, "CREATE DATABASE " + name);
        try {
            PGSimpleDataSource reference = new PGSimpleDataSource();
            reference.setURL(REFERENCE_URL.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"));
            execute(reference, "CREATE EXTENSION pgq");
            trackFunctionCalls(reference);
            try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(reference).installSchema(false).build())) {
                consumeRetryingEvery50th(pgq, reference);
            }
            await().atMost(TestSupport.WAIT).untilAsserted(() ->
                    assertThat(calls(reference, "pgq.event_retry(bigint, bigint, timestamptz)")).isEqualTo(RETRIED));
            assertRetried(reference);
        } finally {
            execute(server, "DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    /** One batch of {@link #EVENTS} events, read {@link #FETCH} at a time, every 50th asking for a retry. */
    private static void consumeRetryingEvery50th(Pgq pgq, DataSource ds) throws SQLException {
        pgq.admin().createQueue("calls");
        pgq.admin().registerConsumer("calls", "c");
        execute(ds, "SELECT pgq.insert_event('calls', 'job', i::text) FROM generate_series(1, ?) i", EVENTS);
        execute(ds, "SELECT pgq.force_tick('calls')");
        execute(ds, "SELECT pgq.ticker('calls')");
        ConsumerConfig config = ConsumerConfig.builder("calls", "c").fetchSize(FETCH).build();
        PgqConsumer consumer = PgqConsumer.builder(pgq, config).otherwise(e ->
                Integer.parseInt(e.data()) % 50 == 0 ? Outcome.retry(Duration.ofHours(1)) : Outcome.done()).build();
        assertThat(consumer.runOnce()).isEqualTo(OptionalInt.of(EVENTS));
    }

    private static void assertRetried(DataSource ds) throws SQLException {
        assertThat(scalar(ds, "SELECT count(*) FROM pgq.retry_queue WHERE ev_retry = 1 AND ev_data::int % 50 = 0"
                + " AND ev_retry_after > now() + interval '50 minutes'")).isEqualTo(RETRIED);
        assertThat(scalar(ds, "SELECT count(*) FROM pgq.retry_queue")).isEqualTo(RETRIED);
    }

    /** New sessions of the database count calls of PL/pgSQL functions. */
    private static void trackFunctionCalls(DataSource ds) throws SQLException {
        execute(ds, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET track_functions = ''pl''', current_database()); END $$");
    }

    /** Calls of {@code function} reported so far by sessions of the database (they report when idle or ending). */
    private static long calls(DataSource ds, String function) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce((SELECT calls FROM pg_stat_user_functions WHERE funcid = '"
                     + function + "'::regprocedure), 0)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A session per connection, each started after {@link #trackFunctionCalls} and reporting its calls when closed. */
    private static DataSource freshSessions(TestDatabase db) {
        PGSimpleDataSource fresh = new PGSimpleDataSource();
        fresh.setURL(db.jdbcUrl());
        fresh.setUser(db.user());
        fresh.setPassword(db.password());
        return fresh;
    }

    static boolean referenceAvailable(DataSource server) {
        try (Connection c = server.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'pgq'")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
    }
}
