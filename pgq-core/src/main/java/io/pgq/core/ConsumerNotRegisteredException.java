package io.pgq.core;

/** The consumer is not registered on the queue. Register it first ({@link QueueAdmin#registerConsumer}). */
public class ConsumerNotRegisteredException extends PgqException {

    private static final long serialVersionUID = 1L;

    public ConsumerNotRegisteredException(String queue, String consumer, Throwable cause) {
        super("Consumer is not registered on the queue; register it with QueueAdmin.registerConsumer "
                + "or 'pgq consumer register'", queue, consumer, cause);
    }
}
