package io.pgq.consumer.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes retried handler failures visible without flooding the log: the first failure of an
 * event is a WARN line (exception, event id, attempt), up to {@link #FIRST_FAILURES_PER_WINDOW}
 * per {@link #WINDOW}; the failures not logged one by one go into one WARN summary per window
 * (written with the next failure after the window, or {@link #flush}). Every attempt is logged at
 * DEBUG. Also knows whether the database keeps each attempt's error ({@link FailureHistory}).
 * Thread-safe; one per consumer.
 */
final class AttemptLog {

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int FIRST_FAILURES_PER_WINDOW = 10;

    private static final Logger LOG = LoggerFactory.getLogger(AttemptLog.class);

    private final String where;
    private final long windowNanos;
    private volatile boolean keepsHistory;
    private long windowStart = System.nanoTime();
    private int firstLogged;
    private int unlogged;
    private int unloggedEvents;
    private String last;

    AttemptLog(String where) {
        this(where, WINDOW);
    }

    AttemptLog(String where, Duration window) {
        this.where = where;
        this.windowNanos = window.toNanos();
    }

    boolean keepsHistory() {
        return keepsHistory;
    }

    void keepsHistory(boolean keeps) {
        this.keepsHistory = keeps;
    }

    /** Attempt {@code attempt} of event {@code id} failed; it is retried after {@code delay}. */
    synchronized void retried(long id, String type, int attempt, int maxAttempts, Duration delay, String error) {
        long now = System.nanoTime();
        if (now - windowStart >= windowNanos) {
            summarise(now);
        }
        String line = "Event " + id + " (type " + type + ") failed attempt " + attempt + " of " + maxAttempts
                + " with " + error + "; retry in " + delay;
        LOG.debug("{}{}", line, where);
        if (attempt == 1 && firstLogged < FIRST_FAILURES_PER_WINDOW) {
            firstLogged++;
            LOG.warn("{}{}", line, where);
            return;
        }
        unlogged++;
        if (attempt == 1) {
            unloggedEvents++;
        }
        last = "event " + id + " attempt " + attempt + ": " + error;
    }

    /** Writes the summary of the window if one is due. */
    synchronized void flush() {
        long now = System.nanoTime();
        if (now - windowStart >= windowNanos) {
            summarise(now);
        }
    }

    private void summarise(long now) {
        if (unlogged > 0) {
            LOG.warn("{} more failed attempt(s) in the last {} s, {} of them first failures of an event, not logged one "
                    + "by one; the last: {}{}", unlogged, TimeUnit.NANOSECONDS.toSeconds(now - windowStart),
                    unloggedEvents, last, where);
        }
        windowStart = now;
        firstLogged = 0;
        unlogged = 0;
        unloggedEvents = 0;
        last = null;
    }
}
