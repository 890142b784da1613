package io.pgq.consumer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.pgq.consumer.DeadLetter;

/**
 * Retries and dead letters of one batch, written in one round trip each per chunk, inside the
 * batch's transaction. Counts what was written so metrics are only marked after the commit.
 * Where the database keeps failure histories ({@link FailureHistory}), also records the error of
 * each failed attempt that is retried, and takes the kept errors of events that are handled or
 * dead-lettered (a dead letter carries them). Not thread-safe.
 */
final class PendingOutcomes {

    private static final String RETRY = "SELECT sum(pgq.event_retry(?, t.id, t.at::timestamptz)) "
            + "FROM unnest(?::bigint[], ?::text[]) AS t(id, at)";
    private static final String DEAD_LETTER = "SELECT count(pgq.insert_event(?, t.type, t.data, t.e1, t.e2, t.e3, t.e4)) "
            + "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS t(type, data, e1, e2, e3, e4)";

    private final long batchId;
    private final String queue;
    private final String consumer;
    private final String deadLetterQueue;
    private final List<Long> retryIds = new ArrayList<>();
    private final List<String> retryAt = new ArrayList<>();
    private final List<PendingDeadLetter> deadLetters = new ArrayList<>();
    private final boolean keepHistory;
    private final List<Long> failedIds = new ArrayList<>();
    private final List<Integer> failedAttempts = new ArrayList<>();
    private final List<String> failedErrors = new ArrayList<>();
    private final List<Long> handledRetried = new ArrayList<>();
    private int retried;
    private int deadLettered;
    private int retriedAtCheckpoint;
    private int deadLetteredAtCheckpoint;

    private record PendingDeadLetter(RawEvent event, String reason, Instant failedAt) {
    }

    PendingOutcomes(long batchId, String queue, String consumer, String deadLetterQueue, boolean keepHistory) {
        this.batchId = batchId;
        this.queue = queue;
        this.consumer = consumer;
        this.deadLetterQueue = deadLetterQueue;
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
        retryIds.add(e.id());
        retryAt.add(at.toString());
    }

    void deadLetter(RawEvent e, String reason, Instant failedAt) {
        deadLetters.add(new PendingDeadLetter(e, reason, failedAt));
    }

    int size() {
        return retryIds.size() + deadLetters.size();
    }

    /** Writes what is pending. */
    void flush(Connection c) throws SQLException {
        if (!failedIds.isEmpty()) {
            FailureHistory.record(c, batchId, queue, consumer, failedIds, failedAttempts, failedErrors);
            failedIds.clear();
            failedAttempts.clear();
            failedErrors.clear();
        }
        Map<Long, List<DeadLetter.Attempt>> histories = takeHistories(c);
        if (!retryIds.isEmpty()) {
            try (PreparedStatement st = c.prepareStatement(RETRY)) {
                st.setLong(1, batchId);
                st.setArray(2, c.createArrayOf("bigint", retryIds.toArray()));
                st.setArray(3, c.createArrayOf("text", retryAt.toArray()));
                st.executeQuery().close();
            }
            retried += retryIds.size();
            retryIds.clear();
            retryAt.clear();
        }
        if (!deadLetters.isEmpty()) {
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
        retriedAtCheckpoint = retried;
        deadLetteredAtCheckpoint = deadLettered;
    }

    void rollbackToCheckpoint() {
        retryIds.clear();
        retryAt.clear();
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
