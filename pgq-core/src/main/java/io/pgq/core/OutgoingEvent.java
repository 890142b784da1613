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
 * }</pre>
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

        public OutgoingEvent build() {
            return new OutgoingEvent(type, payload, extra1, extra2, extra3, extra4);
        }
    }
}
