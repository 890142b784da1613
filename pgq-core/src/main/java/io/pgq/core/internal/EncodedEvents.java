package io.pgq.core.internal;

import io.pgq.core.OutgoingEvent;
import java.util.List;
import java.util.Objects;

/** Events with their payloads already turned into text, as parallel arrays for one round trip. */
record EncodedEvents(String[] types, String[] data, String[] extra1, String[] extra2, String[] extra3, String[] extra4) {

    int size() {
        return types.length;
    }

    /** Encodes every payload first, so that a bad payload fails before anything is written. */
    static EncodedEvents encode(String queue, List<OutgoingEvent> events, PayloadCodec codec) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            throw new IllegalArgumentException("events must not be empty");
        }
        int n = events.size();
        EncodedEvents e = new EncodedEvents(new String[n], new String[n], new String[n], new String[n],
                new String[n], new String[n]);
        for (int i = 0; i < n; i++) {
            OutgoingEvent event = Objects.requireNonNull(events.get(i), "events must not contain null");
            e.types[i] = event.type();
            e.data[i] = codec.encode(queue, event);
            e.extra1[i] = event.extra1();
            e.extra2[i] = event.extra2();
            e.extra3[i] = event.extra3();
            e.extra4[i] = event.extra4();
        }
        return e;
    }
}
