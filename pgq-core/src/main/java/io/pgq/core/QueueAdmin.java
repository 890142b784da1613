package io.pgq.core;

import java.util.List;
import java.util.Optional;

/**
 * Creates, configures, inspects and drops queues, and manages consumer registrations.
 * Each call is its own transaction. Thread-safe.
 */
public interface QueueAdmin {

    /** Creates the queue; {@code false} if it already existed (its settings are then left alone). */
    boolean createQueue(String queue);

    /** Creates the queue and applies {@code settings}; {@code false} if it already existed. */
    boolean createQueue(String queue, QueueSettings settings);

    /**
     * Drops the queue with its events and ticks.
     *
     * @throws PgqException when consumers are still registered (use {@link #dropQueue(String, boolean)})
     */
    void dropQueue(String queue);

    /** Drops the queue; with {@code force} also when consumers are registered (they are unregistered). */
    void dropQueue(String queue, boolean force);

    /** Changes the settings that are not {@code null} in {@code settings}, in one transaction. */
    void configure(String queue, QueueSettings settings);

    /** Stops ticking the queue: consumers get nothing new until {@link #resume}. */
    void pause(String queue);

    void resume(String queue);

    /** All queues, ordered by name. */
    List<QueueInfo> queues();

    Optional<QueueInfo> queue(String queue);

    /** All consumers of all queues, ordered by queue and consumer. */
    List<ConsumerInfo> consumers();

    /** The consumers of one queue, ordered by name. */
    List<ConsumerInfo> consumers(String queue);

    Optional<ConsumerInfo> consumer(String queue, String consumer);

    /** Registers a consumer at the newest tick; {@code false} if it was registered already. */
    boolean registerConsumer(String queue, String consumer);

    /**
     * Registers a consumer at {@code position}, or moves an existing one there (an open batch is
     * dropped); {@code true} if it was newly registered.
     */
    boolean registerConsumer(String queue, String consumer, ConsumerPosition position);

    /** Unregisters a consumer and deletes its pending retries; {@code false} if it was not registered. */
    boolean unregisterConsumer(String queue, String consumer);

    /** Moves a registered consumer to {@code position}; its open batch, if any, is dropped. */
    void repositionConsumer(String queue, String consumer, ConsumerPosition position);
}
