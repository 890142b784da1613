package io.pgq.consumer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Retries and dead letters of one batch, written inside the batch's transaction. Dead letters
 * are written per chunk of events ({@link #flush}); retries wait for the end of the batch
 * ({@link #flushAll}) and go in one statement: on pgq-java's schema one call of
 * {@code pgq.event_retry_many}, which reads the batch once however many events it retries; on
 * the reference PgQ one {@code pgq.event_retry} per event (each of which reads the batch).
 * Counts what was written so metrics are only marked after the commit. Not thread-safe.
 *
 * <p>Plain JDBC, not jOOQ: part of the consume hot path, one array-bound statement per chunk.
 */
final class PendingOutcomes {

    /** Retry times travel as microseconds since the epoch (compact while pending, exact in SQL). */
    private static final String RETRY_TIMES = "(SELECT array_agg(timestamptz 'epoch' + u.us * interval '1 microsecond'"
            + " ORDER BY u.n) FROM unnest(?::bigint[]) WITH ORDINALITY AS u(us, n))";
    private static final String RETRY_MANY = "SELECT pgq.event_retry_many(?, ?::bigint[], " + RETRY_TIMES + ")";
    private static final String RETRY_EACH = "SELECT sum(pgq.event_retry(?, t.id, timestamptz 'epoch' + t.us * interval"
            + " '1 microsecond')) FROM unnest(?::bigint[], ?::bigint[]) AS t(id, us)";
    private static final String DEAD_LETTER = "SELECT count(pgq.insert_event(?, t.type, t.data, t.e1, t.e2, t.e3, t.e4)) "
            + "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS t(type, data, e1, e2, e3, e4)";

    private final long batchId;
    private final String queue;
    private final String consumer;
    private final String deadLetterQueue;
    private final SchemaFeatures schema;
    private long[] retryIds = new long[16];
    private long[] retryAtMicros = new long[16];
    private int pendingRetries;
    private final List<String[]> deadLetters = new ArrayList<>();
    private int retried;
    private int deadLettered;
    private int pendingRetriesAtCheckpoint;
    private int retriedAtCheckpoint;
    private int deadLetteredAtCheckpoint;

    PendingOutcomes(long batchId, String queue, String consumer, String deadLetterQueue, SchemaFeatures schema) {
        this.batchId = batchId;
        this.queue = queue;
        this.consumer = consumer;
        this.deadLetterQueue = deadLetterQueue;
        this.schema = schema;
    }

    void retry(RawEvent e, Instant at) {
        if (pendingRetries == retryIds.length) {
            retryIds = Arrays.copyOf(retryIds, pendingRetries * 2);
            retryAtMicros = Arrays.copyOf(retryAtMicros, pendingRetries * 2);
        }
        retryIds[pendingRetries] = e.id();
        retryAtMicros[pendingRetries] = ChronoUnit.MICROS.between(Instant.EPOCH, at);
        pendingRetries++;
    }

    void deadLetter(RawEvent e, String reason, Instant failedAt) {
        String envelope = DeadLetterCodec.encode(e, queue, consumer, reason, failedAt);
        deadLetters.add(new String[] {e.type(), envelope, queue, consumer, Long.toString(e.id()),
            DeadLetterCodec.shorten(reason, DeadLetterCodec.MAX_SHORT_REASON)});
    }

    int size() {
        return pendingRetries + deadLetters.size();
    }

    /** Writes the pending dead letters; retries wait for {@link #flushAll}. */
    void flush(Connection c) throws SQLException {
        if (deadLetters.isEmpty()) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement(DEAD_LETTER)) {
            st.setString(1, deadLetterQueue);
            for (int col = 0; col < 6; col++) {
                String[] values = new String[deadLetters.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = deadLetters.get(i)[col];
                }
                st.setArray(col + 2, c.createArrayOf("text", values));
            }
            st.executeQuery().close();
        }
        deadLettered += deadLetters.size();
        deadLetters.clear();
    }

    /** Writes everything pending: the dead letters, then all retries of the batch in one statement. */
    void flushAll(Connection c) throws SQLException {
        flush(c);
        if (pendingRetries == 0) {
            return;
        }
        boolean many = schema.setBasedRetry(c);
        try (PreparedStatement st = c.prepareStatement(many ? RETRY_MANY : RETRY_EACH)) {
            st.setLong(1, batchId);
            st.setArray(2, c.createArrayOf("bigint", boxed(retryIds, pendingRetries)));
            st.setArray(3, c.createArrayOf("bigint", boxed(retryAtMicros, pendingRetries)));
            st.executeQuery().close();
        }
        retried += pendingRetries;
        pendingRetries = 0;
    }

    private static Long[] boxed(long[] values, int n) {
        Long[] boxed = new Long[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    /** Remembers the counts, for {@link #rollbackToCheckpoint()} after a rollback to a savepoint. */
    void checkpoint() {
        pendingRetriesAtCheckpoint = pendingRetries;
        retriedAtCheckpoint = retried;
        deadLetteredAtCheckpoint = deadLettered;
    }

    void rollbackToCheckpoint() {
        pendingRetries = pendingRetriesAtCheckpoint;
        deadLetters.clear();
        retried = retriedAtCheckpoint;
        deadLettered = deadLetteredAtCheckpoint;
    }

    int retried() {
        return retried;
    }

    int deadLettered() {
        return deadLettered;
    }
}
