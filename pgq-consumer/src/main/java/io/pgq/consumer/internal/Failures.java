package io.pgq.consumer.internal;

import com.fasterxml.jackson.core.JacksonException;

/** Short descriptions of exceptions for reasons and log lines. */
final class Failures {

    private Failures() {
    }

    /** {@code ClassName: first line of the message}. */
    static String describe(Throwable t) {
        String message = t.getMessage();
        if (message == null) {
            return t.getClass().getName();
        }
        int nl = message.indexOf('\n');
        return t.getClass().getName() + ": " + (nl < 0 ? message : message.substring(0, nl));
    }

    /** Jackson's message without the source location (which may quote the payload). */
    static String jacksonMessage(Throwable t) {
        if (t instanceof JacksonException j) {
            String m = j.getOriginalMessage();
            return t.getClass().getSimpleName() + ": " + (m == null ? "" : DeadLetterCodec.shorten(m, 300));
        }
        return describe(t);
    }
}
