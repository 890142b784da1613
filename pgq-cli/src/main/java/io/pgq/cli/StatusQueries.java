package io.pgq.cli;

import io.pgq.cli.StatusReport.ConsumerRow;
import io.pgq.cli.StatusReport.QueueRow;
import io.pgq.cli.StatusReport.TopicRow;
import io.pgq.cli.StatusReport.TickerSession;
import io.pgq.cli.StatusReport.TickerStatus;
import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.DeadLetters;
import io.pgq.core.ConsumerInfo;
import io.pgq.core.Pgq;
import io.pgq.core.QueueInfo;
import io.pgq.core.TopicInfo;
import io.pgq.ticker.TickerConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads what {@code pgq status} shows: queues and consumers ({@code pgq.get_queue_info},
 * {@code pgq.get_consumer_info}, with each consumer's event lag), the ticker's sessions,
 * retry-queue sizes and dead letters. Reading only; {@link StatusView} renders. Not thread-safe (one use).
 */
final class StatusQueries {

    private final Pgq pgq;
    private final Connection c;

    StatusQueries(Pgq pgq, Connection c) {
        this.pgq = pgq;
        this.c = c;
    }

    /** Everything about {@code queue}, or about all queues when it is {@code null}. */
    StatusReport read(String server, String queue) throws SQLException {
        List<QueueInfo> all = pgq.admin().queues();
        Set<String> deadLetterQueues = deadLetterQueues();
        Set<String> names = all.stream().map(QueueInfo::name).collect(Collectors.toSet());
        List<TopicInfo> topicInfos = pgq.topics().topics().stream()
                .filter(t -> queue == null || t.name().equals(queue)).toList();
        if (queue != null && !names.contains(queue) && topicInfos.isEmpty()) {
            throw new CliException("no such queue or topic: " + queue);
        }
        Set<String> partitionQueues = partitionQueues(queue == null ? topicInfos : pgq.topics().topics());
        Map<String, Long> retryQueue = retryQueueByQueue();
        List<QueueRow> queues = new ArrayList<>();
        for (QueueInfo q : all) {
            boolean folded = deadLetterQueues.contains(q.name()) && names.contains(sourceOf(q.name()));
            if ((queue == null && !folded && !partitionQueues.contains(q.name())) || q.name().equals(queue)) {
                String dlq = q.name() + ConsumerConfig.DEAD_LETTER_SUFFIX;
                boolean hasDlq = deadLetterQueues.contains(dlq);
                queues.add(new QueueRow(q.name(), q.lastTickId(), q.tickerLag(),
                        q.tickerStalled(QueueInfo.DEFAULT_TICK_GRACE), q.eventsPerSecond(),
                        q.newEvents(), retryQueue.getOrDefault(q.name(), 0L), q.tables(), q.currentTable(),
                        q.lastRotation() == null ? null : Duration.between(q.lastRotation(), OffsetDateTime.now()),
                        q.tickerPaused(), hasDlq ? dlq : null, hasDlq ? deadLetters(dlq) : null));
            }
        }
        Set<String> shown = queues.stream().map(QueueRow::name).collect(Collectors.toSet());
        Map<String, Long> retries = retriesByConsumer();
        List<ConsumerRow> consumers = new ArrayList<>();
        for (ConsumerInfo i : pgq.admin().consumers()) {
            if (shown.contains(i.queue()) && !(deadLetterQueues.contains(i.queue())
                    && i.consumer().equals(DeadLetters.RESEND_CONSUMER))) {
                consumers.add(new ConsumerRow(i.queue(), i.consumer(), i.lastTick() == null ? null : i.eventLag(),
                        i.pendingEvents(), retries.getOrDefault(i.queue() + '\0' + i.consumer(), 0L), i.lastSeen(),
                        i.lastTick(), i.currentBatch()));
            }
        }
        return new StatusReport(scalar("SELECT current_database()"), server, ticker(), queues, consumers,
                topics(topicInfos, all));
    }

    private static Set<String> partitionQueues(List<TopicInfo> topics) {
        Set<String> names = new HashSet<>();
        for (TopicInfo t : topics) {
            for (int p = 0; p < t.partitions(); p++) {
                names.add(t.partitionQueue(p));
            }
        }
        return names;
    }

    /** One row per topic and group, with the group's total lag over the partitions. */
    private List<TopicRow> topics(List<TopicInfo> topics, List<QueueInfo> queues) {
        Map<String, Long> newEvents = queues.stream().collect(Collectors.toMap(QueueInfo::name, QueueInfo::newEvents));
        List<TopicRow> rows = new ArrayList<>();
        for (TopicInfo t : topics) {
            long fresh = partitionQueues(List.of(t)).stream().mapToLong(q -> newEvents.getOrDefault(q, 0L)).sum();
            List<String> groups = pgq.topics().groups(t.name());
            if (groups.isEmpty()) {
                rows.add(new TopicRow(t.name(), t.partitions(), fresh, null, 0, 0, null));
            }
            for (String g : groups) {
                pgq.topics().describeGroup(t.name(), g).ifPresent(d -> rows.add(new TopicRow(t.name(), t.partitions(),
                        fresh, g, d.members().size(), d.totalPendingEvents(), GroupCommand.maxLag(d))));
            }
        }
        return rows;
    }

    static String sourceOf(String deadLetterQueue) {
        return deadLetterQueue.endsWith(ConsumerConfig.DEAD_LETTER_SUFFIX)
                ? deadLetterQueue.substring(0, deadLetterQueue.length() - ConsumerConfig.DEAD_LETTER_SUFFIX.length())
                : deadLetterQueue;
    }

    /** Queues with the re-send consumer registered: the dead-letter queues. */
    private Set<String> deadLetterQueues() throws SQLException {
        return new java.util.HashSet<>(strings("SELECT q.queue_name FROM pgq.queue q JOIN pgq.subscription s "
                + "ON s.sub_queue = q.queue_id JOIN pgq.consumer co ON co.co_id = s.sub_consumer WHERE co.co_name = ?",
                DeadLetters.RESEND_CONSUMER));
    }

    private Map<String, Long> retryQueueByQueue() throws SQLException {
        return counts("SELECT q.queue_name, count(*) FROM pgq.retry_queue r JOIN pgq.queue q ON q.queue_id = r.ev_queue "
                + "GROUP BY q.queue_name");
    }

    private Map<String, Long> retriesByConsumer() throws SQLException {
        return counts("SELECT q.queue_name, co.co_name, count(*) FROM pgq.retry_queue r "
                + "JOIN pgq.subscription s ON s.sub_id = r.ev_owner JOIN pgq.queue q ON q.queue_id = s.sub_queue "
                + "JOIN pgq.consumer co ON co.co_id = s.sub_consumer GROUP BY 1, 2");
    }

    /** Dead letters not yet re-sent: events the re-send consumer has not passed. */
    private long deadLetters(String dlq) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM " + DlqCommand.dataTable(c, dlq)
                + " e WHERE " + DlqCommand.NOT_RESENT)) {
            st.setString(1, dlq);
            st.setString(2, DeadLetters.RESEND_CONSUMER);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The leader is the server process that took or renewed the unexpired lease of
     * {@code pgq.ticker_lease} last (pgq-java schema; behind a pooler a hint only), or on the
     * reference extension the session holding the advisory lock; standbys are the other
     * pgq-ticker sessions.
     */
    private TickerStatus ticker() throws SQLException {
        long key = TickerConfig.DEFAULT_LEADER_LOCK_KEY;
        TickerSession leader = null;
        List<TickerSession> standbys = new ArrayList<>();
        String leaderPid = hasLeaseTable()
                ? "(SELECT tl_pid FROM pgq.ticker_lease WHERE tl_key = ? AND tl_owner IS NOT NULL "
                        + "AND tl_expires_at > pg_catalog.clock_timestamp())"
                : "(SELECT l.pid FROM pg_catalog.pg_locks l WHERE l.locktype = 'advisory' AND l.granted "
                        + "AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) "
                        + "AND ((l.classid::bigint << 32) | l.objid::bigint) = ? AND l.objsubid = 1)";
        try (PreparedStatement st = c.prepareStatement("SELECT a.pid, host(a.client_addr), a.application_name, "
                + "a.backend_start, a.pid = " + leaderPid + " FROM pg_catalog.pg_stat_activity a "
                + "WHERE a.datname = current_database() AND (a.application_name = 'pgq-ticker' OR a.pid = "
                + leaderPid + ") ORDER BY a.backend_start")) {
            st.setLong(1, key);
            st.setLong(2, key);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    TickerSession s = new TickerSession(rs.getInt(1), rs.getString(2), rs.getString(3),
                            rs.getObject(4, OffsetDateTime.class));
                    if (rs.getBoolean(5)) {
                        leader = s;
                    } else {
                        standbys.add(s);
                    }
                }
            }
        }
        try (PreparedStatement st = c.prepareStatement("SELECT max(tick_time), extract(epoch FROM now() - max(tick_time)) "
                + "FROM pgq.tick"); ResultSet rs = st.executeQuery()) {
            rs.next();
            OffsetDateTime last = rs.getObject(1, OffsetDateTime.class);
            return new TickerStatus(leader, standbys, last,
                    last == null ? null : Duration.ofMillis(Math.max(0, Math.round(rs.getDouble(2) * 1000))));
        }
    }

    private boolean hasLeaseTable() throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_catalog.to_regclass('pgq.ticker_lease') IS NOT NULL");
             ResultSet rs = st.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Counts keyed by the first columns (joined with a NUL, which names cannot contain); the count comes last. */
    private Map<String, Long> counts(String sql) throws SQLException {
        Map<String, Long> result = new HashMap<>();
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder key = new StringBuilder(rs.getString(1));
                for (int i = 2; i < n; i++) {
                    key.append('\0').append(rs.getString(i));
                }
                result.put(key.toString(), rs.getLong(n));
            }
        }
        return result;
    }

    private List<String> strings(String sql, String param) throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, param);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getString(1));
                }
            }
        }
        return result;
    }

    private String scalar(String sql) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
