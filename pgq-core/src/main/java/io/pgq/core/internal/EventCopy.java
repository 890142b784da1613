package io.pgq.core.internal;

import io.pgq.core.OutgoingEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Bulk load with {@code COPY ... FROM STDIN} into the queue's current event table.
 *
 * <p>Safe against a concurrent rotation: the transaction takes its txid <em>before</em> it
 * asks for the current table, so a rotation that commits after that point has a higher
 * txid, and batches keep reading the table this transaction writes to until it has committed
 * and been consumed (reference §1.2). The caller's transaction must be READ COMMITTED or the
 * schema's own isolation check applies.
 */
final class EventCopy {

    private static final int FLUSH_BYTES = 256 * 1024;

    private EventCopy() {
    }

    static long copy(Connection c, String queue, Iterable<OutgoingEvent> events, PayloadCodec codec) throws SQLException {
        String table;
        String now;
        try (Statement st = c.createStatement()) {
            st.execute("SELECT txid_current()");
        }
        try (PreparedStatement st = c.prepareStatement("SELECT pgq.current_event_table(?), now()::text")) {
            st.setString(1, queue);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                table = rs.getString(1);
                now = rs.getString(2);
            }
        }
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + quoteQualified(table)
                + " (ev_time, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4) FROM STDIN");
        try {
            write(copy, queue, events, codec, now);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void write(CopyIn copy, String queue, Iterable<OutgoingEvent> events, PayloadCodec codec, String now)
            throws SQLException {
        StringBuilder buf = new StringBuilder(FLUSH_BYTES + 4096);
        for (OutgoingEvent e : events) {
            buf.append(now).append('\t');
            field(buf, e.type()).append('\t');
            field(buf, codec.encode(queue, e)).append('\t');
            field(buf, e.extra1()).append('\t');
            field(buf, e.extra2()).append('\t');
            field(buf, e.extra3()).append('\t');
            field(buf, e.extra4()).append('\n');
            if (buf.length() >= FLUSH_BYTES) {
                flush(copy, buf);
            }
        }
        flush(copy, buf);
    }

    private static void flush(CopyIn copy, StringBuilder buf) throws SQLException {
        byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        buf.setLength(0);
    }

    /** Appends a value in COPY text format: {@code \N} for NULL, backslash escapes for specials. */
    static StringBuilder field(StringBuilder buf, String value) {
        if (value == null) {
            return buf.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> buf.append("\\\\");
                case '\n' -> buf.append("\\n");
                case '\r' -> buf.append("\\r");
                case '\t' -> buf.append("\\t");
                default -> buf.append(ch);
            }
        }
        return buf;
    }

    private static String quoteQualified(String name) {
        StringBuilder s = new StringBuilder();
        for (String part : name.split("\\.")) {
            s.append(s.length() == 0 ? "" : ".").append('"').append(part.replace("\"", "\"\"")).append('"');
        }
        return s.toString();
    }
}
