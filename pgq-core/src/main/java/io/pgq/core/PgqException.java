package io.pgq.core;

/**
 * Root of every exception pgq-java throws. Unchecked. Messages name the queue and consumer
 * involved and say what to do; they never contain payloads or passwords.
 */
public class PgqException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String queue;
    private final String consumer;

    public PgqException(String message, String queue, String consumer, Throwable cause) {
        super(message + context(queue, consumer), cause);
        this.queue = queue;
        this.consumer = consumer;
    }

    public PgqException(String message, Throwable cause) {
        this(message, null, null, cause);
    }

    /** The queue the failed operation was about, or {@code null}. */
    public String queue() {
        return queue;
    }

    /** The consumer the failed operation was about, or {@code null}. */
    public String consumer() {
        return consumer;
    }

    /** Whether repeating the same operation may succeed (see {@link RetriableException}). */
    public boolean isRetriable() {
        return false;
    }

    private static String context(String queue, String consumer) {
        if (queue == null && consumer == null) {
            return "";
        }
        StringBuilder s = new StringBuilder(" (");
        if (queue != null) {
            s.append("queue: ").append(queue);
        }
        if (consumer != null) {
            s.append(queue != null ? ", " : "").append("consumer: ").append(consumer);
        }
        return s.append(')').toString();
    }
}
