package io.pgq.consumer.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.pgq.consumer.BatchHandler;
import io.pgq.consumer.EventHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which handler gets which {@code ev_type}, and how its payload is decoded. Immutable after
 * {@link Builder#build()}; thread-safe.
 */
public final class Routes {

    /** A handler with its payload class; {@code reader} is {@code null} for raw {@code String} payloads. */
    public record Route(String type, Class<?> payloadClass, EventHandler<Object> handler, ObjectReader reader) {

        /** The payload of {@code e}: its data as it is for {@code String}, else read by Jackson from its bytes. */
        public Object decode(RawEvent e) throws IOException {
            if (e.dataUtf8() == null || reader == null) {
                return e.data();
            }
            return reader.readValue(e.dataUtf8());
        }
    }

    private final Map<String, Route> byType;
    private final Route fallback;
    private final BatchHandler batchHandler;

    private Routes(Map<String, Route> byType, Route fallback, BatchHandler batchHandler) {
        this.byType = Map.copyOf(byType);
        this.fallback = fallback;
        this.batchHandler = batchHandler;
    }

    public static Builder builder(ObjectMapper mapper) {
        return new Builder(mapper);
    }

    /** The route for {@code type}: its handler, else the fallback handler, else {@code null}. */
    public Route route(String type) {
        Route r = type == null ? null : byType.get(type);
        return r != null ? r : fallback;
    }

    /** The batch handler, or {@code null} when events are dispatched one by one. */
    BatchHandler batchHandler() {
        return batchHandler;
    }

    public Map<String, Route> byType() {
        return byType;
    }

    @Override
    public String toString() {
        return batchHandler != null ? "batch handler " + batchHandler.getClass().getName()
                : "handlers for " + byType.keySet() + (fallback != null ? " and a fallback" : "");
    }

    /** Collects handlers. Not thread-safe. */
    public static final class Builder {
        private final ObjectMapper mapper;
        private final Map<String, Route> byType = new LinkedHashMap<>();
        private Route fallback;
        private BatchHandler batchHandler;

        private Builder(ObjectMapper mapper) {
            this.mapper = mapper;
        }

        @SuppressWarnings("unchecked")
        public <T> Builder add(String type, Class<T> payloadClass, EventHandler<? super T> handler) {
            Objects.requireNonNull(payloadClass, "payloadClass");
            Objects.requireNonNull(handler, "handler");
            if (type == null || type.isBlank()) {
                throw new IllegalArgumentException("event type of the handler for " + payloadClass.getName()
                        + " must not be blank");
            }
            if (byType.containsKey(type)) {
                throw new IllegalArgumentException("event type '" + type + "' has two handlers; register one per type");
            }
            byType.put(type, new Route(type, payloadClass, (EventHandler<Object>) (EventHandler<?>) handler,
                    reader(payloadClass)));
            return this;
        }

        @SuppressWarnings("unchecked")
        public Builder fallback(EventHandler<String> handler) {
            if (fallback != null) {
                throw new IllegalArgumentException("the fallback handler is set twice");
            }
            fallback = new Route("*", String.class, (EventHandler<Object>) (EventHandler<?>) Objects.requireNonNull(handler,
                    "handler"), null);
            return this;
        }

        public Builder batchHandler(BatchHandler handler) {
            if (batchHandler != null) {
                throw new IllegalArgumentException("the batch handler is set twice");
            }
            batchHandler = Objects.requireNonNull(handler, "batchHandler");
            return this;
        }

        /** Reads one JSON value and nothing after it: {@code {"a":1} xyz} is malformed, not {@code {"a":1}}. */
        private ObjectReader reader(Class<?> payloadClass) {
            return payloadClass == String.class ? null
                    : mapper.readerFor(payloadClass).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }

        public Routes build() {
            if (batchHandler != null && (!byType.isEmpty() || fallback != null)) {
                throw new IllegalArgumentException("a consumer has either a batch handler or event handlers, not both");
            }
            if (batchHandler == null && byType.isEmpty() && fallback == null) {
                throw new IllegalArgumentException("a consumer needs at least one handler: add handler(...), "
                        + "otherwise(...) or batchHandler(...)");
            }
            return new Routes(byType, fallback, batchHandler);
        }
    }
}
