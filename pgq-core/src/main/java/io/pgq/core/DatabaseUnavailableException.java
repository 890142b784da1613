package io.pgq.core;

/**
 * The database could not be reached: the server is down, restarting or unreachable, a
 * connection broke, or no pooled connection came within {@link PgqConfig#connectionTimeout()}.
 * Nothing was committed; the same call may succeed once the database is back.
 */
public class DatabaseUnavailableException extends RetriableException {

    private static final long serialVersionUID = 1L;

    private final String database;

    /**
     * @param database the database as a log-safe label (host:port/name, no password), or {@code null}
     */
    public DatabaseUnavailableException(String message, String database, String queue, String consumer,
                                        String sqlState, Throwable cause) {
        super(message + (database != null ? " (database " + database + ")" : ""), queue, consumer, sqlState, cause);
        this.database = database;
    }

    /** The database as host:port/name, or {@code null} when unknown. */
    public String database() {
        return database;
    }
}
