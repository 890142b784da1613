package io.pgq.core.internal;

import io.pgq.core.ConsumerInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How late a consumer is: the age of the oldest event it has not handled. Reads only PgQ's
 * tables (so it works on the reference schema too) and, through the {@code ev_txid} index, only
 * the events of one tick interval: the first interval after the consumer's position that holds
 * events, or, when no tick after the position counts events, the events after the position
 * (those that wait for the next tick). Events that
 * a retry put back count with their original time; events still waiting in the retry queue do
 * not. Stateless.
 */
final class EventLag {

    private static final String POSITION = """
            SELECT q.queue_data_pfx, s.sub_id, q.queue_id, p.tick_id, p.tick_snapshot::text, p.tick_event_seq
              FROM pgq.subscription s
              JOIN pgq.queue q ON q.queue_id = s.sub_queue
              JOIN pgq.consumer c ON c.co_id = s.sub_consumer
              JOIN pgq.tick p ON p.tick_queue = s.sub_queue AND p.tick_id = s.sub_last_tick
             WHERE q.queue_name = ? AND c.co_name = ?""";
    /** The first tick after the position whose interval holds events. */
    private static final String FIRST_FULL_TICK = """
            SELECT t.tick_snapshot::text FROM pgq.tick t
             WHERE t.tick_queue = ? AND t.tick_id > ? AND t.tick_event_seq > ?
             ORDER BY t.tick_queue, t.tick_id LIMIT 1""";
    /** Events visible in the second snapshot and not in the first (one batch's events). */
    private static final String OLDEST_BETWEEN = """
            SELECT extract(epoch FROM now() - min(ev.ev_time)) FROM %s ev
             WHERE ev.ev_txid >= pg_catalog.txid_snapshot_xmin(?::pg_catalog.txid_snapshot)
               AND ev.ev_txid < pg_catalog.txid_snapshot_xmax(?::pg_catalog.txid_snapshot)
               AND pg_catalog.txid_visible_in_snapshot(ev.ev_txid, ?::pg_catalog.txid_snapshot)
               AND NOT pg_catalog.txid_visible_in_snapshot(ev.ev_txid, ?::pg_catalog.txid_snapshot)
               AND (ev.ev_owner IS NULL OR ev.ev_owner = ?)""";
    /**
     * Events committed after the snapshot. Used from the position when no tick after it counts
     * new events (few events then; and a queue's very first event is not counted by the
     * sequence, whose first value reads the same before and after it is taken).
     */
    private static final String OLDEST_AFTER = """
            SELECT extract(epoch FROM now() - min(ev.ev_time)) FROM %s ev
             WHERE ev.ev_txid >= pg_catalog.txid_snapshot_xmin(?::pg_catalog.txid_snapshot)
               AND NOT pg_catalog.txid_visible_in_snapshot(ev.ev_txid, ?::pg_catalog.txid_snapshot)
               AND (ev.ev_owner IS NULL OR ev.ev_owner = ?)""";

    private EventLag() {
    }

    /** {@code infos} with their event lag; subconsumers (no position) keep {@code null}. */
    static List<ConsumerInfo> fill(Connection c, List<ConsumerInfo> infos) throws SQLException {
        List<ConsumerInfo> out = new ArrayList<>(infos.size());
        for (ConsumerInfo info : infos) {
            out.add(info.lastTick() == null ? info : info.withEventLag(of(c, info.queue(), info.consumer())));
        }
        return out;
    }

    /** The age of the oldest unhandled event, zero when there is none, {@code null} without a position. */
    static Duration of(Connection c, String queue, String consumer) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(POSITION)) {
            st.setString(1, queue);
            st.setString(2, consumer);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String table = quoteQualified(rs.getString(1));
                int subId = rs.getInt(2);
                String position = rs.getString(5);
                String full = firstFullTick(c, rs.getInt(3), rs.getLong(4), rs.getLong(6));
                return full != null ? oldest(c, OLDEST_BETWEEN.formatted(table), position, full, full, position, subId)
                        : oldest(c, OLDEST_AFTER.formatted(table), position, position, subId);
            }
        }
    }

    private static String firstFullTick(Connection c, int queueId, long tickId, long eventSeq) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(FIRST_FULL_TICK)) {
            st.setInt(1, queueId);
            st.setLong(2, tickId);
            st.setLong(3, eventSeq);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Duration oldest(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                double seconds = rs.getDouble(1);
                return rs.wasNull() || seconds <= 0 ? Duration.ZERO : Duration.ofNanos((long) (seconds * 1e9));
            }
        }
    }

    /** {@code schema.table} as two quoted identifiers. */
    static String quoteQualified(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? quote(name) : quote(name.substring(0, dot)) + "." + quote(name.substring(dot + 1));
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
