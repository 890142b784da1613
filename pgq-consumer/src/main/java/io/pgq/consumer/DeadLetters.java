package io.pgq.consumer;

import io.pgq.consumer.internal.DeadLetterResender;
import io.pgq.core.Pgq;
import io.pgq.core.QueueAdmin;
import io.pgq.core.internal.Names;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Dead-letter queues: creating them and re-sending their events to the queues they came from.
 * A client: stateless and thread-safe.
 *
 * <p>A dead-letter queue is an ordinary pgq queue (default {@code <queue>.dlq}) with one
 * consumer of its own, {@value #RESEND_CONSUMER}, registered when the queue is created so that
 * dead letters are kept (a pgq queue without consumers drops its events when its tables
 * rotate). Like every queue it needs the ticker: dead letters can be re-sent once a tick has
 * been taken after they were written. The format of a dead letter is described at
 * {@link DeadLetter}.
 *
 * <pre>{@code
 * DeadLetters deadLetters = new DeadLetters(pgq);
 * deadLetters.resend("orders.dlq");                                        // everything
 * deadLetters.resend("orders.dlq", d -> d.type().equals("order.created")); // some; the others stay
 * }</pre>
 */
public final class DeadLetters {

    /** The consumer of every dead-letter queue that {@link #resend} reads with. */
    public static final String RESEND_CONSUMER = "pgq-resend";

    /** What a {@link #resend} call did. */
    public record ResendResult(int resent, int kept) {
    }

    private final Pgq pgq;

    public DeadLetters(Pgq pgq) {
        this.pgq = Objects.requireNonNull(pgq, "pgq");
    }

    /** Creates the dead-letter queue (if missing) and registers {@value #RESEND_CONSUMER} on it (if missing). */
    public void createQueue(String deadLetterQueue) {
        Names.queue(deadLetterQueue);
        QueueAdmin admin = pgq.admin();
        admin.createQueue(deadLetterQueue);
        admin.registerConsumer(deadLetterQueue, RESEND_CONSUMER);
    }

    /** Re-sends every available dead letter to its original queue (as a new event, retry count reset). */
    public ResendResult resend(String deadLetterQueue) {
        return resend(deadLetterQueue, d -> true);
    }

    /**
     * Re-sends the available dead letters that match {@code which} to their original queues;
     * the others are written back to the dead-letter queue (with new ids) and stay there.
     * Reads the batches that were ticked when the call started, one transaction per batch.
     * Events of the dead-letter queue that are not pgq-java dead letters stay too.
     */
    public ResendResult resend(String deadLetterQueue, Predicate<DeadLetter> which) {
        Names.queue(deadLetterQueue);
        Objects.requireNonNull(which, "which");
        return new DeadLetterResender(pgq.dataSource(), deadLetterQueue, RESEND_CONSUMER).resend(which);
    }
}
