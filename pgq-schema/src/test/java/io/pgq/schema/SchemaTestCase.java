package io.pgq.schema;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fixture of the schema tests: each test class gets a fresh database with the schema
 * installed (a copy of a template built once per JVM), and each test a session {@link #sql} on
 * it, closed after the test. Subclasses add their own {@code @BeforeEach} steps; those run after
 * the session is open.
 */
abstract class SchemaTestCase {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    /** The test class's database. */
    TestDatabase db;
    /** A session on {@link #db}, open for the current test. */
    Sql sql;

    @BeforeEach
    final void openSession(TestDatabase database) throws SQLException {
        this.db = database;
        this.sql = Sql.connect(database);
    }

    @AfterEach
    final void closeSession() throws SQLException {
        if (sql != null) {
            sql.close();
        }
    }

    /** For tests of functions that work on every queue (ticker, maintenance): drops all queues. */
    void dropAllQueues() throws SQLException {
        sql.execute("select pgq.drop_queue(queue_name, true) from pgq.queue");
    }
}
