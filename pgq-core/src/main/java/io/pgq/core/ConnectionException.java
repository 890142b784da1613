package io.pgq.core;

/**
 * The client could not connect for a reason that waiting does not fix: the database does not
 * exist, the user or password is wrong, the server does not accept the user from this host, or
 * the URL is invalid. The message names the URL (password masked) and what to check.
 */
public class ConnectionException extends PgqException {

    private static final long serialVersionUID = 1L;

    private final String sqlState;

    public ConnectionException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** The SQLState the server or driver gave, or {@code null}. */
    public String sqlState() {
        return sqlState;
    }
}
