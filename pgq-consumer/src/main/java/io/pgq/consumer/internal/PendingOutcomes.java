package io.pgq.consumer.internal;

import io.pgq.consumer.DeadLetter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Retries and dead letters of one batch, written inside the batch's transaction. Dead letters
 * are written per chunk of events ({@link #flush}); retries wait for the end of the batch
 * ({@link #flushAll}) and go in one statement: on pgq-java's schema one call of
 * {@code pgq.event_retry_many}, which reads the batch once however many events it retries; on
 * the reference PgQ one {@code pgq.event_retry} per event (each of which reads the batch).
 * Where the database keeps failure histories ({@link FailureHistory}), also records the error of
 * each failed attempt that is retried, and takes the kept errors of events that are handled or
 * dead-lettered (a dead letter carries them). Counts what was written so metrics are only marked
 * after the commit. Not thread-safe.
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
    private final boolean keepHistory;
    private long[] retryIds = new long[16];
    private long[] retryAtMicros = new long[16];
    private int pendingRetries;
    private final List<PendingDeadLetter> deadLetters = new ArrayList<>();
    private final List<Long> failedIds = new ArrayList<>();
    private final List<Integer> failedAttempts = new ArrayList<>();
    private final List<String> failedErrors = new ArrayList<>();
    private final List<Long> handledRetried = new ArrayList<>();
    private int retried;
    private int deadLettered;
    private int pendingRetriesAtCheckpoint;
    private int retriedAtCheckpoint;
    private int deadLetteredAtCheckpoint;

    private record PendingDeadLetter(RawEvent event, String reason, Instant failedAt) {
    }

    PendingOutcomes(long batchId, String queue, String consumer, String deadLetterQueue, SchemaFeatures schema,
                    boolean keepHistory) {
        this.batchId = batchId;
        this.queue = queue;
        this.consumer = consumer;
        this.deadLetterQueue = deadLetterQueue;
        this.schema = schema;
        this.keepHistory = keepHistory;
    }

    /** Attempt {@code attempt} of {@code e} failed with {@code error} and is retried: keep the error. */
    void failed(RawEvent e, int attempt, String error) {
        if (keepHistory) {
            failedIds.add(e.id());
            failedAttempts.add(attempt);
            failedErrors.add(error);
        }
    }

    /** {@code e} was handled; if it had been retried, its kept errors go. */
    void handled(RawEvent e) {
        if (keepHistory && e.retry() > 0) {
            handledRetried.add(e.id());
        }
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
        deadLetters.add(new PendingDeadLetter(e, reason, failedAt));
    }

    int size() {
        return pendingRetries + deadLetters.size();
    }

    /**
     * Writes the errors of failed attempts, takes the kept errors of handled and dead-lettered
     * events, and writes the pending dead letters; retries wait for {@link #flushAll}.
     */
    void flush(Connection c) throws SQLException {
        if (!failedIds.isEmpty()) {
            FailureHistory.record(c, batchId, queue, consumer, failedIds, failedAttempts, failedErrors);
            failedIds.clear();
            failedAttempts.clear();
            failedErrors.clear();
        }
        Map<Long, List<DeadLetter.Attempt>> histories = takeHistories(c);
        if (deadLetters.isEmpty()) {
            return;
        }
        List<String[]> rows = new ArrayList<>(deadLetters.size());
        for (PendingDeadLetter d : deadLetters) {
            RawEvent e = d.event();
            String envelope = DeadLetterCodec.encode(e, queue, consumer, d.reason(), d.failedAt(),
                    histories.getOrDefault(e.id(), List.of()));
            rows.add(new String[] {e.type(), envelope, queue, consumer, Long.toString(e.id()),
                DeadLetterCodec.shorten(d.reason(), DeadLetterCodec.MAX_SHORT_REASON)});
        }
        try (PreparedStatement st = c.prepareStatement(DEAD_LETTER)) {
            st.setString(1, deadLetterQueue);
            for (int col = 0; col < 6; col++) {
                String[] values = new String[rows.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rows.get(i)[col];
                }
                st.setArray(col + 2, c.createArrayOf("text", values));
            }
            st.executeQuery().close();
        }
        deadLettered += deadLetters.size();
        deadLetters.clear();
    }

    /** Writes everything pending: {@link #flush}, then all retries of the batch in one statement. */
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

    /** Takes the kept errors of the events handled or dead-lettered since the last flush that had been retried. */
    private Map<Long, List<DeadLetter.Attempt>> takeHistories(Connection c) throws SQLException {
        List<Long> ids = new ArrayList<>(handledRetried);
        for (PendingDeadLetter d : deadLetters) {
            if (d.event().retry() > 0) {
                ids.add(d.event().id());
            }
        }
        handledRetried.clear();
        if (!keepHistory || ids.isEmpty()) {
            return Map.of();
        }
        return FailureHistory.take(c, batchId, queue, consumer, ids);
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
        failedIds.clear();
        failedAttempts.clear();
        failedErrors.clear();
        handledRetried.clear();
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
