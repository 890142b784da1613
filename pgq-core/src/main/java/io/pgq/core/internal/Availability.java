package io.pgq.core.internal;

import io.pgq.core.DatabaseUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database answered the last call, logged once per change: one WARN when it is
 * lost, one WARN per {@code remindEvery} while it stays down, one INFO when it is back.
 * Thread-safe; the path of a call that succeeded while the database is up reads one volatile.
 */
public final class Availability {

    /** How often a database that stays down is reported again. */
    public static final Duration DEFAULT_REMIND_EVERY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(Availability.class);

    private final String who;
    private final String database;
    private final long remindNanos;
    private volatile boolean down;
    private long downSince;
    private long lastReport;
    private long failures;

    /**
     * @param who      what calls the database, for the log ({@code "Producer"})
     * @param database the database's log-safe label
     */
    public Availability(String who, String database, Duration remindEvery) {
        this.who = who;
        this.database = database;
        this.remindNanos = remindEvery.toNanos();
    }

    public String database() {
        return database;
    }

    /** Whether the last call failed because the database could not be reached. */
    public boolean isDown() {
        return down;
    }

    /** A call reached the database. */
    public void succeeded() {
        if (down) {
            recovered();
        }
    }

    /** A call failed with {@code failure}; counts only when the database could not be reached. */
    public void failed(RuntimeException failure) {
        if (failure instanceof DatabaseUnavailableException unavailable) {
            unavailable(unavailable);
        }
    }

    private synchronized void unavailable(DatabaseUnavailableException e) {
        long now = System.nanoTime();
        failures++;
        if (!down) {
            downSince = now;
            lastReport = now;
            down = true;
            LOG.warn("{}: database {} unreachable: {}; calls fail with DatabaseUnavailableException until it is back",
                    who, database, reason(e));
        } else if (now - lastReport >= remindNanos) {
            lastReport = now;
            LOG.warn("{}: database {} still unreachable after {} s ({} failed calls): {}", who, database,
                    seconds(now - downSince), failures, reason(e));
        }
    }

    private synchronized void recovered() {
        if (!down) {
            return;
        }
        down = false;
        LOG.info("{}: database {} reachable again after {} s ({} failed calls)", who, database,
                seconds(System.nanoTime() - downSince), failures);
        failures = 0;
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }

    /** The driver's words (the first SQLException below the pool's timeout), with its SQLState. */
    private static String reason(DatabaseUnavailableException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof SQLException s && !(c instanceof SQLTransientConnectionException)) {
                return Errors.firstLine(String.valueOf(s.getMessage())) + " [SQLState " + s.getSQLState() + "]";
            }
        }
        return Errors.firstLine(String.valueOf(e.getMessage()));
    }
}
