package io.pgq.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a consumer (re)starts reading: Kafka's seek vocabulary on PgQ ticks. A consumer
 * positioned at a tick receives the events committed after that tick.
 */
public sealed interface ConsumerPosition {

    /** The oldest tick the queue still keeps: everything still available is re-delivered. */
    static ConsumerPosition earliest() {
        return Earliest.INSTANCE;
    }

    /** The newest tick: only events not yet ticked are delivered. */
    static ConsumerPosition latest() {
        return Latest.INSTANCE;
    }

    /** The newest tick taken at or before {@code time}: events committed after it are delivered. */
    static ConsumerPosition at(Instant time) {
        return new AtTime(Objects.requireNonNull(time, "time"));
    }

    /** An explicit tick id ({@code pgq.register_consumer_at}). */
    static ConsumerPosition tick(long tickId) {
        return new AtTick(tickId);
    }

    /** See {@link #earliest()}. */
    enum Earliest implements ConsumerPosition { INSTANCE }

    /** See {@link #latest()}. */
    enum Latest implements ConsumerPosition { INSTANCE }

    /** See {@link #at(Instant)}. */
    record AtTime(Instant time) implements ConsumerPosition {
    }

    /** See {@link #tick(long)}. */
    record AtTick(long tickId) implements ConsumerPosition {
    }
}
