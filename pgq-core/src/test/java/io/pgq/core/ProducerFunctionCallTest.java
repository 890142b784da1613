package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code send} in its own transaction calls {@code pgq.insert_event} by the protocol's function
 * call, which names the function by OID. These tests cover what that adds: the OID going stale,
 * connections that cannot make such a call, and the reference PgQ's function.
 */
class ProducerFunctionCallTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", io.pgq.schema.PgqSchema::install);

    static final String REFERENCE_URL = Objects.requireNonNullElse(System.getenv("PGQ_REFERENCE_JDBC_URL"),
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    @Test
    void aSendFindsInsertEventAgainAfterItWasCreatedAnew(TestDatabase db) throws SQLException {
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).installSchema(false).build())) {
            QueueReader reader = new QueueReader(db.dataSource(), "recreated", "r");
            pgq.admin().createQueue("recreated");
            reader.register();
            pgq.producer().send("recreated", "t", "before");
            long oldOid = insertEventOid(db.dataSource());

            // a new function under the same name (what dropping and installing the schema again does)
            execute(db.dataSource(), "DROP FUNCTION pgq.insert_event(text, text, text, text, text, text, text)",
                    "SELECT pgq._generate_insert_static()");
            assertThat(insertEventOid(db.dataSource())).isNotEqualTo(oldOid);

            pgq.producer().send("recreated", "t", "after");
            assertThat(reader.drain()).extracting(QueueReader.Event::data).containsExactly("before", "after");
        }
    }

    @Test
    void connectionsThatCannotCallAFunctionDirectlySendThroughAStatement(TestDatabase db) throws SQLException {
        DataSource plainJdbc = hidingTheDriver(db.dataSource());
        try (Connection c = plainJdbc.getConnection()) {
            assertThat(c.isWrapperFor(PGConnection.class)).isFalse();
        }
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(plainJdbc).installSchema(false).build())) {
            QueueReader reader = new QueueReader(db.dataSource(), "plain", "r");
            pgq.admin().createQueue("plain");
            reader.register();
            long id = pgq.producer().send("plain", OutgoingEvent.builder("t").payload("ü").extra2("x").build());
            assertThat(reader.drain()).containsExactly(new QueueReader.Event(id, "t", "ü", null, "x", null, null, null));
        }
    }

    @Test
    void sendCallsTheReferencePgqsInsertEventToo() throws SQLException {
        PGSimpleDataSource server = new PGSimpleDataSource();
        server.setURL(REFERENCE_URL);
        assumeTrue(referenceAvailable(server), "no reference PgQ at " + REFERENCE_URL
                + " (install postgresql-<version>-pgq3, or set PGQ_REFERENCE_JDBC_URL): skipping");
        String name = "pgqcore_ref_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        execute(server, "CREATE DATABASE " + name);
        try {
            PGSimpleDataSource reference = new PGSimpleDataSource();
            reference.setURL(REFERENCE_URL.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"));
            execute(reference, "CREATE EXTENSION pgq");
            try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(reference).installSchema(false).build())) {
                QueueReader reader = new QueueReader(reference, "ref", "r");
                pgq.admin().createQueue("ref");
                reader.register();
                long first = pgq.producer().send("ref", "t", "plain");
                long second = pgq.producer().send("ref", OutgoingEvent.builder("u").payload("é \t \\ 😀")
                        .extra1("a").extra4("").build());
                assertThat(reader.drain()).containsExactly(
                        new QueueReader.Event(first, "t", "plain", null, null, null, null, null),
                        new QueueReader.Event(second, "u", "é \t \\ 😀", "a", null, null, "", null));
            }
        } finally {
            execute(server, "DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    private static boolean referenceAvailable(DataSource server) {
        try (Connection c = server.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'pgq'")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
    }

    private static long insertEventOid(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT 'pgq.insert_event(text,text,text,text,text,text,text)'::regprocedure::oid")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(DataSource ds, String... sqls) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String sql : List.of(sqls)) {
                st.execute(sql);
            }
        }
    }

    /** The same database, through connections that do not let on that they come from the PostgreSQL driver. */
    private static DataSource hidingTheDriver(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return result instanceof Connection c ? hide(c) : result;
                });
    }

    private static Connection hide(Connection real) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isWrapperFor" -> false;
                    case "unwrap" -> throw new SQLException("not a wrapper");
                    default -> invoke(real, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
