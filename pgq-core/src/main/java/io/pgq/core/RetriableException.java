package io.pgq.core;

/**
 * A failure that may go away if the same operation is repeated: a serialization failure, a
 * deadlock, a lost connection, or a server shutting down. Nothing of the failed transaction was
 * committed. The {@link #sqlState()} tells which.
 */
public class RetriableException extends PgqException {

    private static final long serialVersionUID = 1L;

    private final String sqlState;

    public RetriableException(String message, String queue, String consumer, String sqlState, Throwable cause) {
        super(message + " [SQLState " + sqlState + "]; nothing was committed, the operation can be retried",
                queue, consumer, cause);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
