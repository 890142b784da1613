package io.pgq.consumer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Retries and dead letters of one batch, written in one round trip each per chunk, inside the
 * batch's transaction. Counts what was written so metrics are only marked after the commit.
 * Not thread-safe.
 *
 * <p>Plain JDBC, not jOOQ: part of the consume hot path, one array-bound statement per chunk.
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
    private final List<String[]> deadLetters = new ArrayList<>();
    private int retried;
    private int deadLettered;
    private int retriedAtCheckpoint;
    private int deadLetteredAtCheckpoint;

    PendingOutcomes(long batchId, String queue, String consumer, String deadLetterQueue) {
        this.batchId = batchId;
        this.queue = queue;
        this.consumer = consumer;
        this.deadLetterQueue = deadLetterQueue;
    }

    void retry(RawEvent e, Instant at) {
        retryIds.add(e.id());
        retryAt.add(at.toString());
    }

    void deadLetter(RawEvent e, String reason, Instant failedAt) {
        String envelope = DeadLetterCodec.encode(e, queue, consumer, reason, failedAt);
        deadLetters.add(new String[] {e.type(), envelope, queue, consumer, Long.toString(e.id()),
            DeadLetterCodec.shorten(reason, DeadLetterCodec.MAX_SHORT_REASON)});
    }

    int size() {
        return retryIds.size() + deadLetters.size();
    }

    /** Writes what is pending. */
    void flush(Connection c) throws SQLException {
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
