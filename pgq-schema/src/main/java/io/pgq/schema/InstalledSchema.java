package io.pgq.schema;

import io.pgq.schema.internal.SqlScript;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a database holds of PgQ. Immutable.
 *
 * @param present    schema {@code pgq} exists
 * @param extension  it belongs to the PgQ extension ({@code CREATE EXTENSION pgq})
 * @param revision   the pgq-java schema revision, -1 if absent or not installed by pgq-java
 * @param version    what {@code pgq.version()} returns, or {@code null}
 */
public record InstalledSchema(boolean present, boolean extension, int revision, String version) {

    /** A PgQ is there, but pgq-java did not install it. */
    public boolean isForeign() {
        return present && revision < 0;
    }

    String describe() {
        if (extension) {
            return "the PgQ extension, version " + version;
        }
        return "schema pgq" + (version == null ? "" : ", pgq.version() = " + version);
    }

    static InstalledSchema read(Connection c) throws SQLException {
        boolean extension = "t".equals(scalar(c,
                "SELECT exists(SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pgq')"));
        String comment = scalar(c, "SELECT pg_catalog.obj_description(oid, 'pg_namespace') "
                + "FROM pg_catalog.pg_namespace WHERE nspname = 'pgq'");
        boolean present = extension || "t".equals(scalar(c,
                "SELECT exists(SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'pgq')"));
        String version = present && hasVersionFunction(c) ? scalar(c, "SELECT pgq.version()") : null;
        int revision = extension ? -1 : SqlScript.revisionOf(comment);
        return new InstalledSchema(present, extension, revision, version);
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static boolean hasVersionFunction(Connection c) throws SQLException {
        return "t".equals(scalar(c, "SELECT exists(SELECT 1 FROM pg_catalog.pg_proc p "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'pgq' "
                + "AND p.proname = 'version' AND p.pronargs = 0)"));
    }
}
