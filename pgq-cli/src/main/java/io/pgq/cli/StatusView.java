package io.pgq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgq.cli.StatusReport.ConsumerRow;
import io.pgq.cli.StatusReport.QueueRow;
import io.pgq.cli.StatusReport.TickerSession;
import io.pgq.cli.StatusReport.TickerStatus;
import io.pgq.cli.StatusReport.TopicRow;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders a {@link StatusReport} as text for people or as JSON for scripts. Stateless. */
final class StatusView {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatusView() {
    }

    static String text(StatusReport r) {
        StringBuilder out = new StringBuilder();
        out.append("Database ").append(Text.escape(r.database())).append(" on ").append(r.server()).append('\n');
        out.append("Ticker: ").append(ticker(r.ticker())).append('\n');
        r.warnings().forEach(w -> out.append("WARNING: ").append(Text.escape(w)).append('\n'));
        out.append('\n');
        Tables q = new Tables("QUEUE", "LAST-TICK", "TICKER-LAG", "EVENTS/S", "NEW-EVENTS", "RETRY-QUEUE",
                "DEAD-LETTERS", "ROTATED", "EVENT-TABLES", "PAUSED");
        for (QueueRow i : r.queues()) {
            q.row(i.name(), i.lastTickId(), Tables.duration(i.tickerLag()),
                    i.eventsPerSecond() == null ? "-" : String.format(Locale.ROOT, "%.1f", i.eventsPerSecond()),
                    i.newEvents(), i.retryQueue(),
                    i.deadLetterQueue() == null ? "-" : i.deadLetters() + " in " + i.deadLetterQueue(),
                    i.lastRotation() == null ? "-" : Tables.duration(i.lastRotation()) + " ago",
                    i.tables() + ", writing #" + (i.currentTable() + 1), i.paused() ? "yes" : "no");
        }
        out.append(r.queues().isEmpty() ? "(no queues)\n" : q.render()).append('\n');
        if (!r.topics().isEmpty()) {
            Tables t = new Tables("TOPIC", "PARTITIONS", "NEW-EVENTS", "GROUP", "MEMBERS", "PENDING-EVENTS", "MAX-LAG");
            for (TopicRow i : r.topics()) {
                t.row(i.topic(), i.partitions(), i.newEvents(), i.group(), i.members(), i.pendingEvents(),
                        Tables.duration(i.maxLag()));
            }
            out.append(t.render()).append('\n');
        }
        Tables c = new Tables("QUEUE", "CONSUMER", "LAG", "PENDING-EVENTS", "RETRIES", "LAST-SEEN", "POSITION", "BATCH");
        for (ConsumerRow i : r.consumers()) {
            c.row(i.queue(), i.consumer(), Tables.duration(i.lag()), i.pendingEvents(), i.retries(),
                    Tables.duration(i.lastSeen()), i.position(), i.batch());
        }
        out.append(r.consumers().isEmpty() ? "(no consumers)\n" : c.render());
        return out.toString();
    }

    private static String ticker(TickerStatus t) {
        StringBuilder s = new StringBuilder();
        if (t.leader() == null) {
            s.append("no leader (no ticker holds the pgq ticker lease or lock)");
        } else {
            s.append("leader ").append(session(t.leader()));
        }
        if (!t.standbys().isEmpty()) {
            s.append("; ").append(t.standbys().size()).append(t.standbys().size() == 1 ? " standby " : " standbys ")
                    .append(t.standbys().stream().map(StatusView::session).collect(Collectors.joining(", ")));
        }
        s.append("; last tick ").append(t.lastTickAge() == null ? "never" : Tables.duration(t.lastTickAge()) + " ago");
        return s.toString();
    }

    private static String session(TickerSession s) {
        return "pid " + s.pid() + " (" + (s.client() == null ? "local" : s.client())
                + (s.application() == null || s.application().isEmpty() ? "" : ", " + Text.escape(s.application())) + ")";
    }

    static String json(StatusReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("database", r.database());
        root.put("server", r.server());
        ObjectNode ticker = root.putObject("ticker");
        if (r.ticker().leader() == null) {
            ticker.putNull("leader");
        } else {
            session(ticker.putObject("leader"), r.ticker().leader());
        }
        ArrayNode standbys = ticker.putArray("standbys");
        r.ticker().standbys().forEach(s -> session(standbys.addObject(), s));
        ticker.put("lastTick", r.ticker().lastTick() == null ? null : r.ticker().lastTick().toString());
        seconds(ticker, "lastTickAgeSeconds", r.ticker().lastTickAge());
        ArrayNode warnings = root.putArray("warnings");
        r.warnings().forEach(warnings::add);
        ArrayNode queues = root.putArray("queues");
        for (QueueRow i : r.queues()) {
            ObjectNode q = queues.addObject();
            q.put("name", i.name());
            q.put("lastTickId", i.lastTickId());
            seconds(q, "tickerLagSeconds", i.tickerLag());
            q.put("eventsPerSecond", i.eventsPerSecond());
            q.put("newEvents", i.newEvents());
            q.put("retryQueue", i.retryQueue());
            q.put("deadLetterQueue", i.deadLetterQueue());
            q.put("deadLetters", i.deadLetters());
            seconds(q, "lastRotationAgeSeconds", i.lastRotation());
            q.put("eventTables", i.tables());
            q.put("currentTable", i.currentTable());
            q.put("paused", i.paused());
        }
        ArrayNode topics = root.putArray("topics");
        for (TopicRow i : r.topics()) {
            ObjectNode t = topics.addObject();
            t.put("topic", i.topic());
            t.put("partitions", i.partitions());
            t.put("newEvents", i.newEvents());
            t.put("group", i.group());
            t.put("members", i.members());
            t.put("pendingEvents", i.pendingEvents());
            seconds(t, "maxLagSeconds", i.maxLag());
        }
        ArrayNode consumers = root.putArray("consumers");
        for (ConsumerRow i : r.consumers()) {
            ObjectNode c = consumers.addObject();
            c.put("queue", i.queue());
            c.put("consumer", i.consumer());
            seconds(c, "lagSeconds", i.lag());
            c.put("pendingEvents", i.pendingEvents());
            c.put("retries", i.retries());
            seconds(c, "lastSeenSeconds", i.lastSeen());
            c.put("position", i.position());
            c.put("batch", i.batch());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status as JSON", e);
        }
    }

    private static void session(ObjectNode node, TickerSession s) {
        node.put("pid", s.pid());
        node.put("client", s.client());
        node.put("application", s.application());
        node.put("since", s.since() == null ? null : s.since().toString());
    }

    private static void seconds(ObjectNode node, String field, Duration d) {
        if (d == null) {
            node.putNull(field);
        } else {
            node.put(field, d.toMillis() / 1000.0);
        }
    }
}
