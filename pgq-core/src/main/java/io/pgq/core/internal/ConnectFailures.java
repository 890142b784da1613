package io.pgq.core.internal;

import io.pgq.core.ConnectionException;
import io.pgq.core.DatabaseUnavailableException;
import io.pgq.core.PgqException;
import java.sql.SQLException;

/** Turns a failure to open the first connection into an exception that names the URL and what to check. */
public final class ConnectFailures {

    private ConnectFailures() {
    }

    /**
     * @param jdbcUrl the URL (its password is masked in the message)
     * @param user    the user, or {@code null} when the URL or the driver's default says
     */
    public static PgqException translate(String jdbcUrl, String user, Throwable failure) {
        SQLException sql = failure instanceof SQLException s ? s : null;
        String state = sql != null && sql.getSQLState() != null ? sql.getSQLState() : "";
        String reason = Errors.firstLine(String.valueOf(failure.getMessage()));
        String where = "Cannot connect to " + Databases.maskPassword(jdbcUrl)
                + (user != null ? " as user " + user : "") + ": " + reason;
        if (Errors.isUnavailable(failure, state)) {
            return new DatabaseUnavailableException(where + "; check that the server runs and accepts TCP connections "
                    + "at that host and port, then try again", Databases.label(jdbcUrl), null, null,
                    state.isEmpty() ? "08000" : state, failure);
        }
        return new ConnectionException(where + (state.isEmpty() ? "" : " [SQLState " + state + "]") + "; "
                + advice(state), state.isEmpty() ? null : state, failure);
    }

    private static String advice(String state) {
        if (state.equals("3D000")) {
            return "create the database (createdb, or CREATE DATABASE) or fix the database name in the URL";
        }
        if (state.startsWith("28")) {
            return "check the user and password, and that pg_hba.conf lets this user connect from this host";
        }
        if (state.equals("53300")) {
            return "the server has no free connection slot: lower maximumPoolSize or raise max_connections";
        }
        return "check the URL, the user and password, and that the server accepts the connection";
    }
}
