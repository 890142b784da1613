package io.pgq.schema.internal;

import java.sql.SQLException;

/**
 * The one classification of PostgreSQL errors by SQLState that every pgq-java module uses: what a
 * loop may retry, what means the server cannot be reached, what a concurrent installer causes.
 * Stateless, thread-safe.
 */
public final class SqlStates {

    private SqlStates() {}

    /**
     * The server cannot be reached or has dropped the session: connection exceptions (class 08),
     * administrator or crash shutdown, the server starting (57P01, 57P02, 57P03), an idle session
     * closed (57P05), too many connections (53300).
     */
    public static boolean isConnectionLost(String sqlState) {
        String s = orEmpty(sqlState);
        return s.startsWith("08")
                || s.equals("57P01")
                || s.equals("57P02")
                || s.equals("57P03")
                || s.equals("57P05")
                || s.equals("53300");
    }

    /** Trying again later may succeed: a lost connection, a serialization failure (40001) or a deadlock (40P01). */
    public static boolean isTransient(String sqlState) {
        String s = orEmpty(sqlState);
        return isConnectionLost(s) || s.equals("40001") || s.equals("40P01");
    }

    /**
     * Two installers in different databases raced on cluster-wide objects (roles): a transient
     * error, a unique violation (23505) or a duplicate object (42710). Trying again sees the
     * winner's objects.
     */
    public static boolean isInstallRace(String sqlState) {
        String s = orEmpty(sqlState);
        return isTransient(s) || s.equals("23505") || s.equals("42710");
    }

    /**
     * The pgq schema is not there (yet): no such schema (3F000), function (42883) or table
     * (42P01). Installing it ends the condition.
     */
    public static boolean isMissingSchema(String sqlState) {
        String s = orEmpty(sqlState);
        return s.equals("3F000") || s.equals("42883") || s.equals("42P01");
    }

    /** The SQLState of the first {@link SQLException} in {@code failure}'s cause chain, or "". */
    public static String of(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return "";
    }

    /** {@link #isConnectionLost(String)} for the first SQLState in {@code failure}'s cause chain. */
    public static boolean isConnectionLost(Throwable failure) {
        return isConnectionLost(of(failure));
    }

    private static String orEmpty(String sqlState) {
        return sqlState == null ? "" : sqlState;
    }
}
