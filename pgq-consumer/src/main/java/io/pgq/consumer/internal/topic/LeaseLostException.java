package io.pgq.consumer.internal.topic;

/** The database refused work on a partition (SQLSTATE PGQ01): another member owns it now. */
final class LeaseLostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    LeaseLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
