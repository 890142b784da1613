package io.pgq.core.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.fastpath.Fastpath;
import org.postgresql.fastpath.FastpathArg;

/**
 * One event in its own transaction through the protocol's function call (the "fast-path"
 * FunctionCall message) instead of a {@code SELECT pgq.insert_event(...)} statement: the server
 * calls the function directly, with no statement around it to bind, plan, run and describe.
 * Measured against the prepared {@code SELECT} on PostgreSQL 15: about 12 µs less per event with
 * one client, 2% more events per second with four (see docs/benchmarks.md).
 *
 * <p>The function is named by its OID, looked up once per client and looked up again when it
 * has changed (the schema dropped and installed again): a call to a missing OID fails before
 * the function runs, so in auto-commit it is safe to repeat. Only for connections of the
 * PostgreSQL JDBC driver; {@link #supports} tells. Thread-safe.
 *
 * <p>Plain JDBC, not jOOQ: the protocol-level function call is what makes a one-event
 * transaction faster (docs/benchmarks.md); jOOQ renders a SELECT.
 */
final class InsertEventCall {

    private static final String UNDEFINED_FUNCTION = "42883";
    private static final String OID_QUERY =
            "SELECT 'pgq.insert_event(text,text,text,text,text,text,text)'::regprocedure::oid::int4";
    private static final FastpathArg NULL = new FastpathArg(null, 0, 0);

    /** The function's OID, 0 until looked up. */
    private volatile int oid;

    static boolean supports(Connection c) throws SQLException {
        return c.isWrapperFor(PGConnection.class);
    }

    /** Sends one event on {@code c}, which must be in auto-commit mode; returns its id. */
    long insert(Connection c, String queue, String type, String data, String extra1, String extra2, String extra3,
            String extra4) throws SQLException {
        FastpathArg[] args = {text(queue), text(type), text(data), text(extra1), text(extra2), text(extra3), text(extra4)};
        @SuppressWarnings("deprecation") // the driver's API for the FunctionCall message: obsolete, it says, not slower
        Fastpath fastpath = c.unwrap(PGConnection.class).getFastpathAPI();
        int known = oid;
        try {
            return call(fastpath, known != 0 ? known : lookUp(c), args);
        } catch (SQLException e) {
            if (known == 0 || !UNDEFINED_FUNCTION.equals(e.getSQLState())) {
                throw e;
            }
            return call(fastpath, lookUp(c), args);
        }
    }

    @SuppressWarnings("deprecation")
    private static long call(Fastpath fastpath, int functionOid, FastpathArg[] args) throws SQLException {
        byte[] id = fastpath.fastpath(functionOid, args);
        if (id == null || id.length != Long.BYTES) {
            throw new SQLException("pgq.insert_event returned " + (id == null ? "NULL" : id.length + " bytes")
                    + " instead of an event id");
        }
        long value = 0;
        for (byte b : id) {
            value = (value << 8) | (b & 0xff);
        }
        return value;
    }

    private int lookUp(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(OID_QUERY)) {
            rs.next();
            int found = rs.getInt(1);
            oid = found;
            return found;
        }
    }

    /** A text argument in the connection's encoding (the driver always sets UTF8), or NULL. */
    private static FastpathArg text(String value) {
        return value == null ? NULL : new FastpathArg(value.getBytes(StandardCharsets.UTF_8));
    }
}
