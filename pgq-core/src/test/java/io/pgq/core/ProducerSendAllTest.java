package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code sendAll} is one call of {@code pgq.insert_events} on pgq-java's schema, and one statement
 * calling {@code pgq.insert_event} per event on the reference PgQ, which lacks the former.
 */
class ProducerSendAllTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", io.pgq.schema.PgqSchema::install);

    static final List<OutgoingEvent> PLAIN = List.of(OutgoingEvent.of("a", "1"), OutgoingEvent.of("b", "2"),
            OutgoingEvent.of("c", "3"));
    static final List<OutgoingEvent> WITH_EXTRAS = List.of(OutgoingEvent.builder("d").payload("4").extra1("x").build(),
            OutgoingEvent.builder("e").payload("é \t \\ 😀").extra4("").build());

    @Test
    void onPgqJavasSchemaSendAllCallsInsertEventsOnly(TestDatabase db) throws SQLException {
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).installSchema(false).build())) {
            QueueReader reader = createQueue(pgq, db.dataSource(), "ours");
            // insert_event in both forms now fails (after create_queue, which generates them anew):
            // a sendAll that still called it would fail
            execute(db.dataSource(),
                    "CREATE OR REPLACE FUNCTION pgq.insert_event(queue_name text, ev_type text, ev_data text) RETURNS bigint"
                            + " LANGUAGE plpgsql AS $$ begin raise exception 'insert_event was called'; end $$",
                    "CREATE OR REPLACE FUNCTION pgq.insert_event(queue_name text, ev_type text, ev_data text, ev_extra1 text,"
                            + " ev_extra2 text, ev_extra3 text, ev_extra4 text) RETURNS bigint"
                            + " LANGUAGE plpgsql AS $$ begin raise exception 'insert_event was called'; end $$");
            List<QueueReader.Event> expected = send(pgq, db.dataSource(), "ours");
            assertThat(reader.drain()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aSendAllThatFindsInsertEventsGoneSendsPerEventAndLooksAgainNextTime(TestDatabase db) throws SQLException {
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).installSchema(false).build())) {
            QueueReader reader = createQueue(pgq, db.dataSource(), "gone");
            long[] first = pgq.producer().sendAll("gone", PLAIN);   // finds insert_events and remembers it
            execute(db.dataSource(), "DROP FUNCTION pgq.insert_events(text, text[], text[], text[], text[], text[], text[])");
            long[] second = pgq.producer().sendAll("gone", WITH_EXTRAS);
            long[] third = pgq.producer().sendAll("gone", PLAIN);
            List<QueueReader.Event> expected = new ArrayList<>();
            expect(expected, first, PLAIN);
            expect(expected, second, WITH_EXTRAS);
            expect(expected, third, PLAIN);
            assertThat(reader.drain()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void onTheReferencePgqSendAllCallsInsertEventPerEvent() throws SQLException {
        PGSimpleDataSource server = new PGSimpleDataSource();
        server.setURL(ProducerFunctionCallTest.REFERENCE_URL);
        assumeTrue(referenceAvailable(server), "no reference PgQ at " + ProducerFunctionCallTest.REFERENCE_URL
                + " (install postgresql-<version>-pgq3, or set PGQ_REFERENCE_JDBC_URL): skipping");
        String name = "pgqcore_all_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        execute(server, "CREATE DATABASE " + name);
        try {
            PGSimpleDataSource reference = new PGSimpleDataSource();
            reference.setURL(ProducerFunctionCallTest.REFERENCE_URL.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"));
            execute(reference, "CREATE EXTENSION pgq");
            try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(reference).installSchema(false).build())) {
                QueueReader reader = createQueue(pgq, reference, "ref");
                List<QueueReader.Event> expected = send(pgq, reference, "ref");
                assertThat(reader.drain()).containsExactlyElementsOf(expected);
            }
        } finally {
            execute(server, "DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    private static QueueReader createQueue(Pgq pgq, DataSource ds, String queue) throws SQLException {
        pgq.admin().createQueue(queue);
        return new QueueReader(ds, queue, "r").register();
    }

    /**
     * Sends through each multi-event form (own transaction, caller's transaction, with and
     * without extras); returns the events a consumer should read.
     */
    private static List<QueueReader.Event> send(Pgq pgq, DataSource ds, String queue) throws SQLException {
        List<QueueReader.Event> expected = new ArrayList<>();
        expect(expected, pgq.producer().sendAll(queue, PLAIN), PLAIN);
        expect(expected, pgq.producer().sendAll(queue, WITH_EXTRAS), WITH_EXTRAS);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long[] ids = pgq.producer().sendAll(c, queue, PLAIN);
            c.commit();
            expect(expected, ids, PLAIN);
        }
        return expected;
    }

    private static void expect(List<QueueReader.Event> expected, long[] ids, List<OutgoingEvent> sent) {
        assertThat(ids).hasSize(sent.size());
        for (int i = 0; i < ids.length; i++) {
            OutgoingEvent e = sent.get(i);
            expected.add(new QueueReader.Event(ids[i], e.type(), (String) e.payload(), e.extra1(), e.extra2(), e.extra3(),
                    e.extra4(), null));
        }
        assertThat(ids).as("ids in the order of the events").isSorted();
    }

    private static boolean referenceAvailable(DataSource server) {
        try (Connection c = server.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'pgq'")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
    }

    private static void execute(DataSource ds, String... sqls) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String sql : sqls) {
                st.execute(sql);
            }
        }
    }
}
