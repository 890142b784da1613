package io.pgq.core.internal;

import io.pgq.core.OutgoingEvent;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Inserts events through {@code pgq.insert_event}: one statement per call, however many events.
 * Several events without extra fields go through the 3-argument form (fewer arrays to send and
 * unnest); both forms insert the same events.
 *
 * <p>Plain JDBC, not jOOQ: this is the measured insert hot path (docs/benchmarks.md); the
 * statements are prepared once per connection and nothing is rendered per event.
 */
final class EventInserts {

    private static final String ONE = "SELECT pgq.insert_event(?, ?, ?, ?, ?, ?, ?)";
    private static final String MANY = "SELECT pgq.insert_event(?, e.type, e.data, e.extra1, e.extra2, e.extra3, e.extra4) "
            + "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) "
            + "AS e(type, data, extra1, extra2, extra3, extra4)";
    private static final String MANY_WITHOUT_EXTRAS = "SELECT pgq.insert_event(?, e.type, e.data) "
            + "FROM unnest(?::text[], ?::text[]) AS e(type, data)";

    private EventInserts() {
    }

    static long[] insert(Connection c, String queue, EncodedEvents events) throws SQLException {
        return events.size() == 1
                ? new long[] {insertOne(c, queue, events.types()[0], events.data()[0], events.extra1()[0],
                        events.extra2()[0], events.extra3()[0], events.extra4()[0])}
                : insertMany(c, queue, events);
    }

    /** One event whose payload is already {@code data}. */
    static long insertOne(Connection c, String queue, OutgoingEvent event, String data) throws SQLException {
        return insertOne(c, queue, event.type(), data, event.extra1(), event.extra2(), event.extra3(), event.extra4());
    }

    private static long insertOne(Connection c, String queue, String type, String data, String extra1, String extra2,
            String extra3, String extra4) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(ONE)) {
            st.setString(1, queue);
            st.setString(2, type);
            st.setString(3, data);
            st.setString(4, extra1);
            st.setString(5, extra2);
            st.setString(6, extra3);
            st.setString(7, extra4);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long[] insertMany(Connection c, String queue, EncodedEvents e) throws SQLException {
        boolean extras = hasExtras(e);
        try (PreparedStatement st = c.prepareStatement(extras ? MANY : MANY_WITHOUT_EXTRAS)) {
            st.setString(1, queue);
            String[][] columns = extras
                    ? new String[][] {e.types(), e.data(), e.extra1(), e.extra2(), e.extra3(), e.extra4()}
                    : new String[][] {e.types(), e.data()};
            for (int i = 0; i < columns.length; i++) {
                Array array = c.createArrayOf("text", columns[i]);
                st.setArray(i + 2, array);
            }
            long[] ids = new long[e.size()];
            try (ResultSet rs = st.executeQuery()) {
                for (int i = 0; rs.next(); i++) {
                    ids[i] = rs.getLong(1);
                }
            }
            return ids;
        }
    }

    private static boolean hasExtras(EncodedEvents e) {
        for (String[] column : new String[][] {e.extra1(), e.extra2(), e.extra3(), e.extra4()}) {
            for (String value : column) {
                if (value != null) {
                    return true;
                }
            }
        }
        return false;
    }
}
