package io.pgq.core;

import java.sql.Connection;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Sends events to topics. An event with a key ({@link OutgoingEvent#key()}, stored in
 * {@code ev_extra4}) goes to partition {@link TopicRouting#partition(String, int)} of the topic,
 * the same one SQL's {@code pgq_topic.insert_event} picks, so events of one key keep their order.
 * Events without a key are spread round-robin over the partitions, without any order promise.
 * Thread-safe.
 *
 * <p>The forms mirror {@link Producer}: without a connection each call is its own transaction
 * (a {@code sendAll} over several partitions is still one transaction); with the caller's
 * {@link Connection} or {@link DSLContext} the events commit with the caller's writes. A topic's
 * partition count is cached for {@link #PARTITION_COUNT_CACHE_SECONDS} seconds.
 *
 * <p>Errors as in {@link Producer}, plus {@link UnknownTopicException}, and
 * {@link IllegalArgumentException} for a key above {@link TopicRouting#MAX_KEY_BYTES} bytes
 * (nothing is written).
 */
public interface TopicProducer {

    /** How long a topic's partition count is remembered. */
    int PARTITION_COUNT_CACHE_SECONDS = 10;

    /** Sends one event with a key; returns its event id (unique within its partition). */
    long send(String topic, String key, String type, Object payload);

    /** Sends one event with a key and a type from the payload's class ({@link EventTypes}). */
    long send(String topic, String key, Object payload);

    /** Sends one event; its key is {@link OutgoingEvent#key()}, {@code null} to spread. */
    long send(String topic, OutgoingEvent event);

    /** Sends many events in one transaction; returns their ids in order. */
    long[] sendAll(String topic, List<OutgoingEvent> events);

    /** {@link #send(String, OutgoingEvent)} inside the caller's transaction. */
    long send(Connection connection, String topic, OutgoingEvent event);

    /** {@link #sendAll(String, List)} inside the caller's transaction. */
    long[] sendAll(Connection connection, String topic, List<OutgoingEvent> events);

    /** {@link #send(String, OutgoingEvent)} inside the caller's jOOQ transaction. */
    long send(DSLContext dsl, String topic, OutgoingEvent event);

    /** {@link #sendAll(String, List)} inside the caller's jOOQ transaction. */
    long[] sendAll(DSLContext dsl, String topic, List<OutgoingEvent> events);

    /**
     * Bulk load with {@code COPY} into the partitions, in one transaction ({@link Producer#copy}:
     * needs role {@code pgq_admin}). Events are routed in chunks, so memory stays bounded however
     * many there are. Returns the number of events written.
     */
    long copy(String topic, Iterable<OutgoingEvent> events);

    /** {@link #copy(String, Iterable)} inside the caller's transaction. */
    long copy(Connection connection, String topic, Iterable<OutgoingEvent> events);

    /** The partition an event with {@code key} goes to in {@code topic}. */
    int partitionFor(String topic, String key);
}
