package io.pgq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * A dead letter as {@code pgq dlq list} shows it: the columns of its event in the dead-letter
 * queue and, from the JSON envelope in its data, the original data, the full reason and the
 * retry count. Immutable.
 */
record DeadLetterRow(long id, String time, String queue, String consumer, String eventId, String type,
                     String reason, String data, String retryCount, String eventTime) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest data shown in the table; {@code --verbose} shows all. */
    static final int SHORT = 60;

    static DeadLetterRow of(long id, String time, String queue, String consumer, String eventId, String type,
                            String shortReason, String envelope) {
        JsonNode o = parse(envelope);
        if (o == null) {
            return new DeadLetterRow(id, time, queue, consumer, eventId, type, shortReason, envelope, null, null);
        }
        return new DeadLetterRow(id, time, queue, consumer, eventId, type, o.path("reason").asText(shortReason),
                o.hasNonNull("data") ? o.get("data").asText() : null,
                o.hasNonNull("retryCount") ? o.get("retryCount").asText() : null,
                o.hasNonNull("eventTime") ? o.get("eventTime").asText() : null);
    }

    private static JsonNode parse(String envelope) {
        try {
            JsonNode o = envelope == null ? null : JSON.readTree(envelope);
            return o != null && o.isObject() ? o : null;
        } catch (java.io.IOException notAnEnvelope) {
            return null;
        }
    }

    static String table(List<DeadLetterRow> rows) {
        Tables t = new Tables("DLQ-ID", "TIME", "FROM-QUEUE", "CONSUMER", "EVENT-ID", "TYPE", "REASON", "DATA");
        for (DeadLetterRow r : rows) {
            t.row(r.id, r.time, r.queue, r.consumer, r.eventId, r.type, shorten(r.reason, SHORT), shorten(r.data, SHORT));
        }
        return t.render();
    }

    static String full(List<DeadLetterRow> rows) {
        StringBuilder s = new StringBuilder();
        for (DeadLetterRow r : rows) {
            s.append("dead letter ").append(r.id).append('\n');
            field(s, "time", r.time);
            field(s, "from queue", r.queue);
            field(s, "consumer", r.consumer);
            field(s, "event id", r.eventId);
            field(s, "event time", r.eventTime);
            field(s, "type", r.type);
            field(s, "retries", r.retryCount);
            field(s, "reason", r.reason);
            field(s, "data", r.data);
            s.append('\n');
        }
        return s.toString();
    }

    private static void field(StringBuilder s, String name, String value) {
        s.append("  ").append(String.format("%-11s", name + ":")).append(value == null ? "-" : Text.escape(value)).append('\n');
    }

    private static String shorten(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
