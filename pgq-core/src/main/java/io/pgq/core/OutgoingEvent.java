package io.pgq.core;

import java.util.Objects;

/**
 * An event to send: its {@code ev_type}, its payload and the four optional extra fields.
 * The payload is sent as it is when it is a {@link String}, as {@code NULL} when it is
 * {@code null}, and as JSON (through the producer's Jackson {@code ObjectMapper}) otherwise.
 * Immutable.
 *
 * <pre>{@code
 * OutgoingEvent.of("order.created", order);
 * OutgoingEvent.builder("order.created").payload(order).extra1("orders").extra2("eu-west").build();
 * OutgoingEvent.keyed("order.created", "customer-7", order);   // for a topic: the key routes it
 * }</pre>
 *
 * <p>The key of an event for a topic ({@link TopicProducer}) is its {@code ev_extra4}:
 * {@link #key()} and {@link Builder#key(String)} read and set that field.
 */
public record OutgoingEvent(String type, Object payload, String extra1, String extra2, String extra3, String extra4) {

    public OutgoingEvent {
        Objects.requireNonNull(type, "event type must not be null");
        if (type.isBlank()) {
            throw new IllegalArgumentException("event type must not be blank");
        }
    }

    /** An event with a type and a payload and no extra fields. */
    public static OutgoingEvent of(String type, Object payload) {
        return new OutgoingEvent(type, payload, null, null, null, null);
    }

    /** An event with a key (for a topic: it picks the partition) and no other extra fields. */
    public static OutgoingEvent keyed(String type, String key, Object payload) {
        return new OutgoingEvent(type, payload, null, null, null, key);
    }

    /** The event's key, which is its {@code ev_extra4}; {@code null} when it has none. */
    public String key() {
        return extra4;
    }

    public static Builder builder(String type) {
        return new Builder(type);
    }

    /** Builds an {@link OutgoingEvent}. Not thread-safe. */
    public static final class Builder {
        private final String type;
        private Object payload;
        private String extra1;
        private String extra2;
        private String extra3;
        private String extra4;

        private Builder(String type) {
            this.type = type;
        }

        public Builder payload(Object payload) {
            this.payload = payload;
            return this;
        }

        public Builder extra1(String value) {
            this.extra1 = value;
            return this;
        }

        public Builder extra2(String value) {
            this.extra2 = value;
            return this;
        }

        public Builder extra3(String value) {
            this.extra3 = value;
            return this;
        }

        public Builder extra4(String value) {
            this.extra4 = value;
            return this;
        }

        /** The key: for a topic it picks the partition; stored in {@code ev_extra4} (same as {@link #extra4}). */
        public Builder key(String value) {
            this.extra4 = value;
            return this;
        }

        public OutgoingEvent build() {
            return new OutgoingEvent(type, payload, extra1, extra2, extra3, extra4);
        }
    }
}
