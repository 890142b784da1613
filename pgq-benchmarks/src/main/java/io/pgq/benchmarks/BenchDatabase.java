package io.pgq.benchmarks;

import io.pgq.schema.PgqSchema;
import io.pgq.testing.TestDatabase;
import io.pgq.testing.internal.DatabaseFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A fresh database for one benchmark trial, on the server pgq-testing chooses
 * ({@code PGQ_TEST_JDBC_URL}, Docker, or embedded), with either our schema or the reference PgQ.
 */
final class BenchDatabase implements AutoCloseable {

    /** Our PL/pgSQL schema. */
    static final String PGQ_JAVA = "pgq-java";
    /** The reference C extension (Debian postgresql-15-pgq3); needs PGQ_TEST_JDBC_URL on that server. */
    static final String REFERENCE = "reference";

    private final TestDatabase database;

    private BenchDatabase(TestDatabase database) {
        this.database = database;
    }

    static BenchDatabase create(String implementation) throws SQLException {
        BenchDatabase db = new BenchDatabase(DatabaseFactory.instance().create("bench_" + implementation));
        switch (implementation) {
            case PGQ_JAVA -> PgqSchema.install(db.database.dataSource());
            case REFERENCE -> db.installReference();
            default -> throw new IllegalArgumentException("impl must be " + PGQ_JAVA + " or " + REFERENCE + ", got " + implementation);
        }
        return db;
    }

    private void installReference() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION pgq");
        } catch (SQLException e) {
            throw new SQLException("The reference PgQ is not available on this server (" + e.getMessage() + "). "
                    + "Install the Debian package postgresql-15-pgq3 and point PGQ_TEST_JDBC_URL at that server.", e);
        }
    }

    javax.sql.DataSource dataSourceForBench() {
        return database.dataSource();
    }

    Connection connect() throws SQLException {
        return database.connect();
    }

    /** Runs statements on a new connection. */
    void execute(String... sqls) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String sql : sqls) {
                st.execute(sql);
            }
        }
    }

    long scalarLong(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    String scalar(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The baseline every insert benchmark is compared with: a plain table with the columns,
     * defaults, storage parameters and {@code ev_txid} index of an event table.
     */
    void createBaselineTable(String name) throws SQLException {
        execute("CREATE SEQUENCE " + name + "_id_seq",
                "CREATE TABLE " + name + " (LIKE pgq.event_template INCLUDING DEFAULTS) "
                        + "WITH (fillfactor = 100, autovacuum_enabled = off)",
                "ALTER TABLE " + name + " ALTER ev_id SET DEFAULT nextval('" + name + "_id_seq')",
                "CREATE INDEX " + name + "_txid_idx ON " + name + " (ev_txid)");
    }

    /** Makes the ticker record a tick for {@code queue} now, whatever its thresholds. */
    void tick(String queue) throws SQLException {
        execute("SELECT pgq.force_tick('" + queue + "')", "SELECT pgq.ticker('" + queue + "')");
    }

    /** The database's JDBC URL, user and password, for clients in other JVMs. */
    String jdbcUrl() {
        return database.jdbcUrl();
    }

    String user() {
        return database.user();
    }

    String password() {
        return database.password();
    }

    /** A pgq-java client on this database with a pool of its own (the schema is already there). */
    io.pgq.core.Pgq client(int poolSize) {
        return io.pgq.core.Pgq.create(io.pgq.core.PgqConfig.builder().jdbcUrl(database.jdbcUrl())
                .username(database.user()).password(database.password()).maximumPoolSize(poolSize)
                .installSchema(false).build());
    }

    String describe() {
        return database.toString();
    }

    @Override
    public void close() {
        DatabaseFactory.instance().drop(database);
    }
}
