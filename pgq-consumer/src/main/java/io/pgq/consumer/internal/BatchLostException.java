package io.pgq.consumer.internal;

import io.pgq.core.PgqException;

/**
 * The batch in hand no longer belongs to this consumer or member: it was taken over, or the
 * consumer was repositioned or unregistered meanwhile. Its transaction is rolled back.
 */
class BatchLostException extends PgqException {

    private static final long serialVersionUID = 1L;

    BatchLostException(String message, String queue, String consumer) {
        this(message, queue, consumer, null);
    }

    BatchLostException(String message, String queue, String consumer, Throwable cause) {
        super(message, queue, consumer, cause);
    }
}
