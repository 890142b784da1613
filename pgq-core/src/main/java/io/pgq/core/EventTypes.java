package io.pgq.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The mapping between payload classes and {@code ev_type} strings. A class gets its type from an
 * explicit registration, else from its {@link EventType} annotation. Immutable and thread-safe.
 *
 * <pre>{@code
 * EventTypes types = EventTypes.builder()
 *         .register(OrderCreated.class)                  // uses @EventType("order.created")
 *         .register(LegacyOrder.class, "order.legacy")   // explicit name
 *         .build();
 * }</pre>
 */
public final class EventTypes {

    private static final EventTypes EMPTY = new EventTypes(Map.of(), Map.of());

    private final Map<Class<?>, String> typeByClass;
    private final Map<String, Class<?>> classByType;

    private EventTypes(Map<Class<?>, String> typeByClass, Map<String, Class<?>> classByType) {
        this.typeByClass = Collections.unmodifiableMap(new HashMap<>(typeByClass));
        this.classByType = Collections.unmodifiableMap(new HashMap<>(classByType));
    }

    /** No registrations: classes are typed by their {@link EventType} annotation only. */
    public static EventTypes annotationsOnly() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The {@code ev_type} of {@code payloadClass}.
     *
     * @throws IllegalArgumentException when the class is neither registered nor annotated
     */
    public String typeOf(Class<?> payloadClass) {
        Objects.requireNonNull(payloadClass, "payloadClass");
        String type = typeByClass.get(payloadClass);
        if (type != null) {
            return type;
        }
        EventType annotation = payloadClass.getAnnotation(EventType.class);
        if (annotation == null) {
            throw new IllegalArgumentException("No event type for " + payloadClass.getName()
                    + ": annotate it with @EventType(\"...\") or register it in EventTypes, or pass the type explicitly");
        }
        return annotation.value();
    }

    /** The payload class registered for {@code type}, if any. */
    public Optional<Class<?>> classOf(String type) {
        return Optional.ofNullable(classByType.get(type));
    }

    /** All registered types and their classes. */
    public Map<String, Class<?>> registered() {
        return classByType;
    }

    @Override
    public String toString() {
        return "EventTypes" + classByType;
    }

    /** Collects registrations; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private final Map<Class<?>, String> typeByClass = new HashMap<>();
        private final Map<String, Class<?>> classByType = new HashMap<>();

        private Builder() {
        }

        /** Registers a class under the name of its {@link EventType} annotation. */
        public Builder register(Class<?> payloadClass) {
            EventType annotation = Objects.requireNonNull(payloadClass, "payloadClass").getAnnotation(EventType.class);
            if (annotation == null) {
                throw new IllegalArgumentException(payloadClass.getName()
                        + " has no @EventType annotation; use register(class, type)");
            }
            return register(payloadClass, annotation.value());
        }

        /** Registers a class under an explicit type name. */
        public Builder register(Class<?> payloadClass, String type) {
            Objects.requireNonNull(payloadClass, "payloadClass");
            if (type == null || type.isBlank()) {
                throw new IllegalArgumentException("event type of " + payloadClass.getName() + " must not be blank");
            }
            Class<?> previous = classByType.get(type);
            if (previous != null && previous != payloadClass) {
                throw new IllegalArgumentException("event type '" + type + "' is registered twice: for "
                        + previous.getName() + " and " + payloadClass.getName());
            }
            typeByClass.put(payloadClass, type);
            classByType.put(type, payloadClass);
            return this;
        }

        public EventTypes build() {
            return new EventTypes(typeByClass, classByType);
        }
    }
}
