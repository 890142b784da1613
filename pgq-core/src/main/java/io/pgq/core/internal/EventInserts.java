package io.pgq.core.internal;

import io.pgq.core.OutgoingEvent;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Inserts events: one event through {@code pgq.insert_event}, several in one statement. On
 * pgq-java's schema several events are one call of {@code pgq.insert_events}, one set-based
 * {@code INSERT ... SELECT}; on the reference PgQ, which lacks it, one statement calls
 * {@code pgq.insert_event} once per event over {@code unnest} of the arrays. Several events
 * without extra fields go through the short forms (fewer arrays to send and unnest); all forms
 * insert the same events.
 *
 * <p>Whether the schema has {@code pgq.insert_events} is looked up once, on the first
 * multi-event insert, and remembered; a call that finds it missing forgets it (a schema dropped
 * and replaced by the reference's) and, in auto-commit mode, is repeated per event. One instance
 * per producer. Thread-safe.
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
    private static final String SET = "SELECT pgq.insert_events(?, ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])";
    private static final String SET_WITHOUT_EXTRAS = "SELECT pgq.insert_events(?, ?::text[], ?::text[])";
    private static final String INSERT_EVENTS = "pgq.insert_events(text, text[], text[], text[], text[], text[], text[])";
    private static final String UNDEFINED_FUNCTION = "42883";

    /** Whether the schema has {@code pgq.insert_events}; {@code null} until looked up. */
    private volatile Boolean setBased;

    long[] insert(Connection c, String queue, EncodedEvents events) throws SQLException {
        if (events.size() == 1) {
            return new long[] {insertOne(c, queue, events.types()[0], events.data()[0], events.extra1()[0],
                    events.extra2()[0], events.extra3()[0], events.extra4()[0])};
        }
        if (!setBased(c)) {
            return insertMany(c, queue, events);
        }
        try {
            return insertSet(c, queue, events);
        } catch (SQLException e) {
            if (!UNDEFINED_FUNCTION.equals(e.getSQLState())) {
                throw e;
            }
            setBased = null;
            if (!c.getAutoCommit()) {
                throw e;   // the caller's transaction is aborted: only the caller can repeat it
            }
            return insertMany(c, queue, events);
        }
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

    private boolean setBased(Connection c) throws SQLException {
        Boolean known = setBased;
        if (known == null) {
            try (PreparedStatement st = c.prepareStatement("SELECT pg_catalog.to_regprocedure(?) IS NOT NULL")) {
                st.setString(1, INSERT_EVENTS);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    known = rs.getBoolean(1);
                }
            }
            setBased = known;
        }
        return known;
    }

    /** One call of {@code pgq.insert_events}, which returns the ids in the order of the events. */
    private static long[] insertSet(Connection c, String queue, EncodedEvents e) throws SQLException {
        boolean extras = hasExtras(e);
        try (PreparedStatement st = c.prepareStatement(extras ? SET : SET_WITHOUT_EXTRAS)) {
            bind(c, st, queue, e, extras);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Long[] ids = (Long[]) rs.getArray(1).getArray();
                long[] result = new long[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    result[i] = ids[i];
                }
                return result;
            }
        }
    }

    /** One statement that calls {@code pgq.insert_event} once per event (the reference PgQ's API). */
    private static long[] insertMany(Connection c, String queue, EncodedEvents e) throws SQLException {
        boolean extras = hasExtras(e);
        try (PreparedStatement st = c.prepareStatement(extras ? MANY : MANY_WITHOUT_EXTRAS)) {
            bind(c, st, queue, e, extras);
            long[] ids = new long[e.size()];
            try (ResultSet rs = st.executeQuery()) {
                for (int i = 0; rs.next(); i++) {
                    ids[i] = rs.getLong(1);
                }
            }
            return ids;
        }
    }

    private static void bind(Connection c, PreparedStatement st, String queue, EncodedEvents e, boolean extras)
            throws SQLException {
        st.setString(1, queue);
        String[][] columns = extras
                ? new String[][] {e.types(), e.data(), e.extra1(), e.extra2(), e.extra3(), e.extra4()}
                : new String[][] {e.types(), e.data()};
        for (int i = 0; i < columns.length; i++) {
            Array array = c.createArrayOf("text", columns[i]);
            st.setArray(i + 2, array);
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
