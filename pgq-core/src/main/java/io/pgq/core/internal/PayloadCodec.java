package io.pgq.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgq.core.EventTypes;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.PayloadException;

/**
 * Turns payloads into event data: strings as they are, null as NULL, other objects as JSON.
 * Refuses text that UTF-8 cannot carry (a lone UTF-16 surrogate), which the driver would
 * otherwise store as {@code ?}. Thread-safe.
 */
public final class PayloadCodec {

    private final ObjectMapper mapper;
    private final EventTypes eventTypes;

    public PayloadCodec(ObjectMapper mapper, EventTypes eventTypes) {
        this.mapper = mapper;
        this.eventTypes = eventTypes;
    }

    /** The event's data as text, after checking that its type, data and extra fields are valid text. */
    public String encode(String queue, OutgoingEvent event) {
        checkText(queue, "event type", event.type());
        checkText(queue, "extra1", event.extra1());
        checkText(queue, "extra2", event.extra2());
        checkText(queue, "extra3", event.extra3());
        checkText(queue, "extra4", event.extra4());
        return checkText(queue, "event data", encode(queue, event.payload()));
    }

    private String encode(String queue, Object payload) {
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

    /**
     * Returns {@code text}, or throws a {@link PayloadException} naming the position of its first
     * lone surrogate: a UTF-16 half without its other half has no UTF-8 form.
     */
    static String checkText(String queue, String field, String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new PayloadException(String.format("The %s has a lone UTF-16 surrogate U+%04X at index %d "
                        + "(of %d chars), which UTF-8 cannot encode; fix the text (a surrogate pair split in two, "
                        + "or bytes decoded with the wrong charset?); nothing was sent", field, (int) c, i, n),
                        queue, null);
            }
        }
        return text;
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
