package io.pgq.consumer.internal;

/**
 * A plain consumer's instance lost its lease: another instance of the consumer may hold it, so
 * the batch in hand is rolled back and this instance stands by.
 */
final class LeaseLostException extends BatchLostException {

    private static final long serialVersionUID = 1L;

    LeaseLostException(String message, String queue, String consumer, Throwable cause) {
        super(message, queue, consumer, cause);
    }
}
