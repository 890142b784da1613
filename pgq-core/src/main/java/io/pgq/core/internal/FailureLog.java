package io.pgq.core.internal;

import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * How a service loop reports failures without flooding the log: WARN when a failure starts
 * (with the stack trace unless it is a database error, whose message says it all), DEBUG while
 * it repeats, one ERROR when it has lasted longer than {@code unhealthyAfter}, and INFO on
 * recovery. Thread-safe: the loop writes, health checks read.
 */
public final class FailureLog {

    private final Logger log;
    private final String what;
    private final Duration unhealthyAfter;
    private volatile long failingSince;
    private volatile boolean failing;
    private boolean reportedLasting;

    /** @param what names the loop and its identity, e.g. "ticker for database orders" */
    public FailureLog(Logger log, String what, Duration unhealthyAfter) {
        this.log = log;
        this.what = what;
        this.unhealthyAfter = unhealthyAfter;
    }

    public void failed(Throwable failure, Duration pause) {
        long now = System.nanoTime();
        if (!failing) {
            failingSince = now;
            failing = true;
            if (failure instanceof SQLException || failure.getCause() instanceof SQLException) {
                log.warn("{} failed: {}; trying again in {} ms", what, oneLine(failure), pause.toMillis());
                log.debug("{}: failure detail", what, failure);
            } else {
                log.warn("{} failed; trying again in {} ms", what, pause.toMillis(), failure);
            }
        } else if (!reportedLasting && now - failingSince > unhealthyAfter.toNanos()) {
            reportedLasting = true;
            log.error(
                    "{} has been failing for more than {} s, reporting unhealthy: {}",
                    what,
                    unhealthyAfter.toSeconds(),
                    oneLine(failure));
        } else {
            log.debug("{} still failing: {}", what, oneLine(failure));
        }
    }

    public void succeeded() {
        if (failing) {
            failing = false;
            reportedLasting = false;
            log.info("{} recovered after {} ms", what, (System.nanoTime() - failingSince) / 1_000_000);
        }
    }

    /** True while failing for longer than {@code unhealthyAfter}. */
    public boolean failingTooLong() {
        return failing && System.nanoTime() - failingSince > unhealthyAfter.toNanos();
    }

    /** The first line of a failure's message (its class name when it has none). */
    public static String oneLine(Throwable failure) {
        String m = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
