package io.pgq.consumer;

/** How a consumer's effects relate to its position in the queue. */
public enum DeliveryMode {

    /**
     * The default. A batch is finished after its handlers ran; after a crash before that, the
     * whole batch is delivered again, so handlers must tolerate seeing an event twice.
     */
    AT_LEAST_ONCE,

    /**
     * For handlers whose effects are writes to the queue's own database: the handler writes
     * through {@link Event#connection()} (or {@link Batch#connection()}), which is the batch's
     * transaction, and those writes commit together with {@code finish_batch}. A crash before
     * the commit rolls both back and the batch is delivered again: every effect appears once.
     * A handler that fails is rolled back to a savepoint taken before it used the connection.
     */
    EXACTLY_ONCE
}
