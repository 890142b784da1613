package io.pgq.consumer;

import io.pgq.consumer.internal.DeadLetterCodec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An event that could not be processed, as kept in a dead-letter queue. Immutable.
 *
 * <p>In the dead-letter queue (an ordinary pgq queue) it is an event whose {@code ev_type} is
 * the original type, whose {@code ev_data} is a JSON object with every field below (the
 * original data as a string, unchanged, even when it was not valid JSON), and whose extra
 * fields are, for SQL inspection: {@code ev_extra1} the original queue, {@code ev_extra2} the
 * consumer, {@code ev_extra3} the original event id, {@code ev_extra4} the reason (shortened).
 *
 * @param deadLetterId id of the event in the dead-letter queue
 * @param queue        the queue the event came from (and is re-sent to)
 * @param consumer     the consumer (group) that gave up on it
 * @param eventId      its id in the original queue
 * @param type         its {@code ev_type}
 * @param data         its {@code ev_data}, unchanged
 * @param extra1       its {@code ev_extra1}
 * @param extra2       its {@code ev_extra2}
 * @param extra3       its {@code ev_extra3}
 * @param extra4       its {@code ev_extra4}
 * @param eventTime    its {@code ev_time}
 * @param retryCount   how often it had been retried ({@code ev_retry})
 * @param reason       why it is here: the handler's reason, the exception, or a decoding problem
 * @param failedAt     when the consumer gave up on it
 * @param history      the errors of the earlier attempts that failed with an exception, oldest
 *                     first, at most the last 10; the last attempt's error is {@code reason}.
 *                     Empty when the event failed once, and on databases without pgq-java's
 *                     schema revision 4 (the reference PgQ)
 */
public record DeadLetter(long deadLetterId, String queue, String consumer, long eventId, String type, String data,
                         String extra1, String extra2, String extra3, String extra4, Instant eventTime,
                         int retryCount, String reason, Instant failedAt, List<Attempt> history) {

    /**
     * One failed attempt.
     *
     * @param attempt  its number, 1 for the first delivery
     * @param failedAt when it failed
     * @param error    the exception's class and first message line
     */
    public record Attempt(int attempt, Instant failedAt, String error) {
    }

    public DeadLetter {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(reason, "reason");
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** A dead letter without history. */
    public DeadLetter(long deadLetterId, String queue, String consumer, long eventId, String type, String data,
                      String extra1, String extra2, String extra3, String extra4, Instant eventTime,
                      int retryCount, String reason, Instant failedAt) {
        this(deadLetterId, queue, consumer, eventId, type, data, extra1, extra2, extra3, extra4, eventTime, retryCount,
                reason, failedAt, List.of());
    }

    /**
     * Reads a dead letter from an event of a dead-letter queue, e.g. in your own consumer of it
     * ({@code otherwise(event -> ... DeadLetter.from(event) ...)}).
     *
     * @throws io.pgq.core.PayloadException when the event is not a dead letter written by pgq-java
     */
    public static DeadLetter from(Event<String> event) {
        return DeadLetterCodec.decode(event.id(), event.data());
    }
}
