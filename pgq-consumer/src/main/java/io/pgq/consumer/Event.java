package io.pgq.consumer;

import java.sql.Connection;
import java.time.Instant;

/**
 * One event of a batch, as a handler sees it. Valid only during the handler call that received
 * it; not thread-safe.
 *
 * @param <T> payload type ({@code String} for the raw {@code ev_data})
 */
public interface Event<T> {

    /** {@code ev_id}: unique within the queue, kept across retries. */
    long id();

    /** {@code ev_type}. */
    String type();

    /** {@code ev_data} decoded as {@code T}; {@code null} when {@code ev_data} is NULL. */
    T payload();

    /** {@code ev_data} as stored. */
    String data();

    /** {@code ev_time}: when the event was first inserted. */
    Instant time();

    /** {@code ev_txid}: the inserting transaction (for a retried event: the re-inserting one). */
    long txid();

    /** How often the event was retried before ({@code ev_retry}, 0 on first delivery). Survives restarts. */
    int retryCount();

    /** The delivery attempt this is: {@code retryCount() + 1}. */
    default int attempt() {
        return retryCount() + 1;
    }

    String extra1();

    String extra2();

    String extra3();

    String extra4();

    /**
     * The event's key: for an event of a topic the key that chose its partition (events of one
     * key are handled in order). It is stored in {@code ev_extra4}, so this is {@link #extra4()}.
     */
    default String key() {
        return extra4();
    }

    /** The batch this event was delivered in. */
    long batchId();

    String queue();

    /** The consumer (for a group: the group name). */
    String consumer();

    /**
     * The batch's transaction, in {@link DeliveryMode#EXACTLY_ONCE} mode: write your effects
     * here and they commit together with the batch. The consumer manages the transaction:
     * {@code commit}, {@code rollback()} and {@code setAutoCommit} throw, {@code close} does
     * nothing. If the handler then fails, its writes are rolled back (to a savepoint taken by
     * this call).
     *
     * @throws IllegalStateException in {@link DeliveryMode#AT_LEAST_ONCE} mode
     */
    Connection connection();
}
