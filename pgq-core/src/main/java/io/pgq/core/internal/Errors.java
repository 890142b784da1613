package io.pgq.core.internal;

import io.pgq.core.ConsumerNotRegisteredException;
import io.pgq.core.DatabaseUnavailableException;
import io.pgq.core.PgqException;
import io.pgq.core.RetriableException;
import io.pgq.core.UnknownQueueException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.jooq.exception.DataAccessException;

/** Turns driver and jOOQ exceptions into pgq-java's exception hierarchy. */
public final class Errors {

    /** Texts the PgQ API uses for an unknown queue (ours and the reference's). */
    private static final List<String> UNKNOWN_QUEUE = List.of("No such queue", "No such event queue",
            "Event queue not found", "Event queue not created yet", "no such queue", "Queue not found");
    private static final List<String> NOT_REGISTERED = List.of("Not subscriber to queue", "consumer not registered");

    private Errors() {
    }

    public static PgqException translate(Throwable failure, String action, String queue, String consumer) {
        return translate(failure, action, queue, consumer, null);
    }

    /**
     * As {@link #translate(Throwable, String, String, String)}; {@code database} (a log-safe
     * label, or {@code null}) goes into a {@link DatabaseUnavailableException}.
     */
    public static PgqException translate(Throwable failure, String action, String queue, String consumer,
                                         String database) {
        if (failure instanceof PgqException pgq) {
            return pgq;
        }
        SQLException sql = sqlException(failure);
        String message = sql != null ? sql.getMessage() : String.valueOf(failure.getMessage());
        String state = sql != null && sql.getSQLState() != null ? sql.getSQLState() : "";
        if (isUnavailable(failure, state)) {
            return new DatabaseUnavailableException(action + " failed: " + unavailableReason(failure, message),
                    database, queue, consumer, state.isEmpty() ? "08000" : state, failure);
        }
        if (UNKNOWN_QUEUE.stream().anyMatch(message::contains)) {
            return new UnknownQueueException(queue, failure);
        }
        if (NOT_REGISTERED.stream().anyMatch(message::contains)) {
            return new ConsumerNotRegisteredException(queue, consumer, failure);
        }
        if (isRetriable(state)) {
            return new RetriableException(action + " failed: " + firstLine(message), queue, consumer, state, failure);
        }
        return new PgqException(action + " failed: " + firstLine(message), queue, consumer, failure);
    }

    /**
     * Whether {@code failure} says the database cannot be reached: a connection-class SQLState,
     * the server shutting down or starting, or the pool giving up waiting for a connection.
     */
    public static boolean isUnavailable(Throwable failure, String sqlState) {
        return sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
                || sqlState.equals("57P03") || poolTimeout(failure) != null;
    }

    /** The first line of the reason, with the pool's wait replaced by the driver's cause when there is one. */
    private static String unavailableReason(Throwable failure, String message) {
        SQLTransientConnectionException timeout = poolTimeout(failure);
        if (timeout == null) {
            return firstLine(message);
        }
        String cause = timeout.getCause() != null ? firstLine(String.valueOf(timeout.getCause().getMessage()))
                : "the pool has no free connection";
        return "no connection within the connection timeout: " + cause;
    }

    private static SQLTransientConnectionException poolTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientConnectionException s) {
                return s;
            }
        }
        return null;
    }

    /** Serialization failure, deadlock, lost connection, server shutting down or starting. */
    static boolean isRetriable(String sqlState) {
        return sqlState.equals("40001") || sqlState.equals("40P01") || sqlState.startsWith("08")
                || sqlState.equals("57P01") || sqlState.equals("57P02") || sqlState.equals("57P03");
    }

    private static SQLException sqlException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                return s;
            }
            if (c instanceof DataAccessException d && d.getCause() == null) {
                return null;
            }
        }
        return null;
    }

    static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
