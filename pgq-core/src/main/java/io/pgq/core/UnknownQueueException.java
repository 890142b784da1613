package io.pgq.core;

/** The queue does not exist in the database. Create it first ({@link QueueAdmin#createQueue}). */
public class UnknownQueueException extends PgqException {

    private static final long serialVersionUID = 1L;

    public UnknownQueueException(String queue, Throwable cause) {
        super("No such queue; create it first with QueueAdmin.createQueue or 'pgq queue create'", queue, null, cause);
    }
}
