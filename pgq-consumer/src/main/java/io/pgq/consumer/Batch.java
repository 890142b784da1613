package io.pgq.consumer;

import java.sql.Connection;
import java.time.Duration;

/**
 * One batch for a {@link BatchHandler}. Valid only during that call; not thread-safe.
 */
public interface Batch {

    long id();

    String queue();

    /** The consumer (for a group: the group name). */
    String consumer();

    /**
     * The events, streamed from the database in chunks of {@link ConsumerConfig#fetchSize()}.
     * Can be iterated once.
     */
    Iterable<Event<String>> events();

    /**
     * Decodes an event's data with the client's Jackson {@code ObjectMapper}.
     *
     * @throws io.pgq.core.PayloadException when the data is not valid for {@code type}
     */
    <T> T decode(Event<String> event, Class<T> type);

    /** Deliver the event again after the retry policy's backoff (dead letter once attempts run out). */
    void retry(Event<?> event);

    /** Deliver the event again after {@code delay} (dead letter once attempts run out). */
    void retry(Event<?> event, Duration delay);

    /** Move the event to the dead-letter queue with {@code reason}. */
    void deadLetter(Event<?> event, String reason);

    /**
     * The batch's transaction, in {@link DeliveryMode#EXACTLY_ONCE} mode (see
     * {@link Event#connection()}).
     *
     * @throws IllegalStateException in {@link DeliveryMode#AT_LEAST_ONCE} mode
     */
    Connection connection();
}
