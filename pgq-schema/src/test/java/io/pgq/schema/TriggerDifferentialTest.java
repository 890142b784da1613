package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The same table changes through our PL/pgSQL triggers and through the reference's C triggers
 * ({@code CREATE EXTENSION pgq}, e.g. Debian's postgresql-15-pgq3) give the same events and the
 * same errors. Both databases ({@code pgqdiff_trg_*}) are created on the reference server and
 * dropped afterwards; pgq.insert_event(7 args) is replaced in both by the recording mock of
 * {@code dev/trigger-expectations/00-mock.sql}. Scripts p4 and p5 are left out: they contain the
 * two deliberate deviations (docs/design/triggers.md); their other statements are covered by
 * {@link TriggerExpectationsTest}, whose transcripts were taken from the reference.
 */
class TriggerDifferentialTest {

    static final String URL = Objects.requireNonNullElse(System.getenv("PGQ_REFERENCE_JDBC_URL"),
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    static final List<String> SCRIPTS = List.of("p1", "p2", "p3", "p6", "p7", "p8");

    @Test
    void ourTriggersProduceTheEventsOfTheReferenceCTriggers() throws SQLException {
        assumeTrue(reachable(), "reference PostgreSQL not reachable at " + URL + " (set PGQ_REFERENCE_JDBC_URL): skipping");
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String refDb = "pgqdiff_trg_ref_" + suffix;
        String ourDb = "pgqdiff_trg_ours_" + suffix;
        try (Connection admin = dataSource("postgres").getConnection(); Statement st = admin.createStatement()) {
            try (ResultSet rs = st.executeQuery("select 1 from pg_available_extensions where name = 'pgq'")) {
                assumeTrue(rs.next(), "the reference server has no pgq extension available"
                        + " (install postgresql-<version>-pgq3): skipping");
            }
            st.execute("create database " + refDb);
            st.execute("create database " + ourDb);
            try {
                try (Connection c = dataSource(refDb).getConnection(); Statement s = c.createStatement()) {
                    s.execute("create extension pgq");
                    s.execute(TriggerScript.read("00-mock.sql"));
                }
                PgqSchema.install(dataSource(ourDb));
                try (Connection c = dataSource(ourDb).getConnection(); Statement s = c.createStatement()) {
                    s.execute(TriggerScript.read("00-mock.sql"));
                }
                for (String script : SCRIPTS) {
                    String sql = TriggerScript.read(script + ".sql");
                    String reference;
                    String ours;
                    try (Connection c = dataSource(refDb).getConnection()) {
                        reference = TriggerScript.run(c, sql);
                    }
                    try (Connection c = dataSource(ourDb).getConnection()) {
                        ours = TriggerScript.run(c, sql);
                    }
                    assertThat(reference).as("reference transcript of %s", script).contains("rows)");
                    assertThat(ours).as("events and errors of %s, ours vs reference", script).isEqualTo(reference);
                }
            } finally {
                st.execute("drop database if exists " + refDb + " with (force)");
                st.execute("drop database if exists " + ourDb + " with (force)");
            }
        }
    }

    private static boolean reachable() {
        try (Connection c = dataSource("postgres").getConnection()) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private static PGSimpleDataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(URL);
        ds.setDatabaseName(database);
        ds.setConnectTimeout(5);
        return ds;
    }
}
