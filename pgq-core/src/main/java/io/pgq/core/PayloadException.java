package io.pgq.core;

/**
 * A payload could not be turned into an event's data (Jackson could not serialise it), or an
 * event's data could not be read back as the requested type. Nothing was written.
 */
public class PayloadException extends PgqException {

    private static final long serialVersionUID = 1L;

    public PayloadException(String message, String queue, Throwable cause) {
        super(message, queue, null, cause);
    }
}
