package io.pgq.ticker.internal;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * Logs database failures without flooding: the first failure as WARN, repeats at DEBUG, one
 * ERROR when the database has been unreachable for too long, and INFO on recovery.
 * Not thread-safe: one per loop.
 */
final class FailureLog {

    private final Logger log;
    private final String what;
    private final Duration unhealthyAfter;
    private long failingSince;
    private boolean reportedUnhealthy;

    FailureLog(Logger log, String what, Duration unhealthyAfter) {
        this.log = log;
        this.what = what;
        this.unhealthyAfter = unhealthyAfter;
    }

    void failed(Exception e) {
        long now = System.nanoTime();
        if (failingSince == 0) {
            failingSince = now;
            log.warn("{}: {}; retrying with backoff", what, oneLine(e));
            log.debug("{}: failure detail", what, e);
        } else if (!reportedUnhealthy && now - failingSince > unhealthyAfter.toNanos()) {
            reportedUnhealthy = true;
            log.error("{}: unreachable for more than {} s, reporting unhealthy: {}", what,
                    unhealthyAfter.toSeconds(), oneLine(e));
        } else {
            log.debug("{}: still failing: {}", what, oneLine(e));
        }
    }

    void succeeded() {
        if (failingSince != 0) {
            log.info("{}: recovered after {} ms", what, (System.nanoTime() - failingSince) / 1_000_000);
            failingSince = 0;
            reportedUnhealthy = false;
        }
    }

    static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
