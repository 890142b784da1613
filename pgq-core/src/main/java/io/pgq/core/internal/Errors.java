package io.pgq.core.internal;

import io.pgq.core.ConsumerNotRegisteredException;
import io.pgq.core.PgqException;
import io.pgq.core.RetriableException;
import io.pgq.core.UnknownQueueException;
import io.pgq.schema.internal.SqlStates;
import java.sql.SQLException;
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
        if (failure instanceof PgqException pgq) {
            return pgq;
        }
        SQLException sql = sqlException(failure);
        String message = sql != null ? sql.getMessage() : String.valueOf(failure.getMessage());
        String state = sql != null && sql.getSQLState() != null ? sql.getSQLState() : "";
        if (UNKNOWN_QUEUE.stream().anyMatch(message::contains)) {
            return new UnknownQueueException(queue, failure);
        }
        if (NOT_REGISTERED.stream().anyMatch(message::contains)) {
            return new ConsumerNotRegisteredException(queue, consumer, failure);
        }
        if (SqlStates.isTransient(state)) {
            return new RetriableException(action + " failed: " + firstLine(message), queue, consumer, state, failure);
        }
        return new PgqException(action + " failed: " + firstLine(message), queue, consumer, failure);
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

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
