package io.pgq.core;

import java.sql.Connection;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Sends events to queues. Thread-safe.
 *
 * <p>Methods without a connection argument run in their own transaction on the client's pool.
 * Methods that take the caller's {@link Connection} or jOOQ {@link DSLContext} join the caller's
 * transaction: the events commit or roll back with the caller's own writes (the transactional
 * outbox); they neither commit nor close the connection.
 *
 * <p>Payloads: a {@link String} is sent as it is, {@code null} as SQL NULL, anything else as JSON
 * through the client's Jackson {@code ObjectMapper}. Errors: {@link UnknownQueueException},
 * {@link PayloadException} (nothing is written), {@link RetriableException}, {@link PgqException}.
 */
public interface Producer {

    /** Sends one event; returns its event id. */
    long send(String queue, String type, Object payload);

    /** Sends one event whose type comes from the payload's class ({@link EventTypes}). */
    long send(String queue, Object payload);

    /** Sends one event with extra fields. */
    long send(String queue, OutgoingEvent event);

    /** Sends many events in one transaction and one round trip; returns their ids in order. */
    long[] sendAll(String queue, List<OutgoingEvent> events);

    /** {@link #send(String, OutgoingEvent)} inside the caller's transaction. */
    long send(Connection connection, String queue, OutgoingEvent event);

    /** {@link #sendAll(String, List)} inside the caller's transaction. */
    long[] sendAll(Connection connection, String queue, List<OutgoingEvent> events);

    /** {@link #send(String, OutgoingEvent)} inside the caller's jOOQ transaction. */
    long send(DSLContext dsl, String queue, OutgoingEvent event);

    /** {@link #sendAll(String, List)} inside the caller's jOOQ transaction. */
    long[] sendAll(DSLContext dsl, String queue, List<OutgoingEvent> events);

    /**
     * Bulk load: streams the events with {@code COPY} into the queue's current event table, in one
     * transaction, safe against a concurrent table rotation. For large batches (thousands to
     * millions); needs INSERT on the event tables (role {@code pgq_admin}). Returns the number of
     * events written. {@code events} is iterated once.
     */
    long copy(String queue, Iterable<OutgoingEvent> events);

    /** {@link #copy(String, Iterable)} inside the caller's transaction. */
    long copy(Connection connection, String queue, Iterable<OutgoingEvent> events);
}
