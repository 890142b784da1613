package io.pgq.consumer.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgq.consumer.DeadLetter;
import io.pgq.core.PayloadException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The JSON envelope of a dead letter (see {@link DeadLetter}). Thread-safe. */
public final class DeadLetterCodec {

    /** Longest reason kept in {@code ev_extra4}; the JSON keeps up to {@link #MAX_REASON}. */
    static final int MAX_SHORT_REASON = 200;
    static final int MAX_REASON = 4000;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private DeadLetterCodec() {
    }

    /** The envelope of {@code event} of {@code queue}, given up by {@code consumer}. */
    public static String encode(RawEvent event, String queue, String consumer, String reason, Instant failedAt) {
        return encode(event, queue, consumer, reason, failedAt, List.of());
    }

    /** As above, with the errors of the earlier attempts. */
    public static String encode(RawEvent event, String queue, String consumer, String reason, Instant failedAt,
                                List<DeadLetter.Attempt> history) {
        ObjectNode o = JSON.createObjectNode();
        o.put("queue", queue);
        o.put("consumer", consumer);
        o.put("eventId", event.id());
        o.put("type", event.type());
        o.put("data", event.data());
        o.put("extra1", event.extra1());
        o.put("extra2", event.extra2());
        o.put("extra3", event.extra3());
        o.put("extra4", event.extra4());
        Instant eventTime = event.instant();
        o.put("eventTime", eventTime == null ? null : eventTime.toString());
        o.put("retryCount", event.retry());
        o.put("reason", shorten(reason, MAX_REASON));
        o.put("failedAt", failedAt.toString());
        if (!history.isEmpty()) {
            ArrayNode h = o.putArray("history");
            for (DeadLetter.Attempt a : history) {
                h.addObject().put("attempt", a.attempt()).put("failedAt", a.failedAt().toString()).put("error", a.error());
            }
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a dead-letter envelope", e);
        }
    }

    public static DeadLetter decode(long deadLetterId, String json) {
        try {
            JsonNode o = json == null ? null : JSON.readTree(json);
            if (o == null || !o.isObject() || !o.hasNonNull("queue") || !o.hasNonNull("eventId")) {
                throw new PayloadException("Event " + deadLetterId + " is not a dead letter written by pgq-java "
                        + "(no JSON object with queue and eventId)", null, null);
            }
            return new DeadLetter(deadLetterId, o.get("queue").asText(), text(o, "consumer"), o.get("eventId").asLong(),
                    text(o, "type"), text(o, "data"), text(o, "extra1"), text(o, "extra2"), text(o, "extra3"),
                    text(o, "extra4"), instant(o, "eventTime"), o.path("retryCount").asInt(),
                    o.path("reason").asText(""), instant(o, "failedAt"), history(o));
        } catch (JsonProcessingException e) {
            throw new PayloadException("Event " + deadLetterId + " is not a dead letter written by pgq-java: "
                    + e.getOriginalMessage(), null, e);
        }
    }

    private static List<DeadLetter.Attempt> history(JsonNode o) {
        List<DeadLetter.Attempt> out = new ArrayList<>();
        for (JsonNode a : o.path("history")) {
            out.add(new DeadLetter.Attempt(a.path("attempt").asInt(), instant(a, "failedAt"), text(a, "error")));
        }
        return out;
    }

    static String shorten(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode o, String field) {
        String s = text(o, field);
        return s == null ? null : Instant.parse(s);
    }
}
