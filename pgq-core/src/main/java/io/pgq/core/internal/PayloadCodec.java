package io.pgq.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgq.core.EventTypes;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.PayloadException;

/** Turns payloads into event data: strings as they are, null as NULL, other objects as JSON. Thread-safe. */
public final class PayloadCodec {

    private final ObjectMapper mapper;
    private final EventTypes eventTypes;

    public PayloadCodec(ObjectMapper mapper, EventTypes eventTypes) {
        this.mapper = mapper;
        this.eventTypes = eventTypes;
    }

    public String encode(String queue, Object payload) {
        if (payload == null || payload instanceof String) {
            return (String) payload;
        }
        try {
            return mapper.writeValueAsString(payload);
        } catch (JsonProcessingException | RuntimeException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new PayloadException("Cannot serialise a payload of " + payload.getClass().getName()
                    + " to JSON: " + why + "; nothing was sent", queue, e);
        }
    }

    /** The event for a payload whose type comes from its class. */
    public OutgoingEvent typed(Object payload) {
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null when the event type comes from its class");
        }
        return OutgoingEvent.of(eventTypes.typeOf(payload.getClass()), payload);
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
