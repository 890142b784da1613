package io.pgq.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Test support: reads a queue the way a PgQ consumer does, in plain SQL. */
final class QueueReader {

    record Event(long id, String type, String data, String extra1, String extra2, String extra3, String extra4,
                 Integer retry) {
    }

    private final DataSource dataSource;
    private final String queue;
    private final String consumer;

    QueueReader(DataSource dataSource, String queue, String consumer) {
        this.dataSource = dataSource;
        this.queue = queue;
        this.consumer = consumer;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Registers the consumer now: it will see events committed from here on. */
    QueueReader register() throws SQLException {
        call("SELECT pgq.register_consumer(?, ?)");
        return this;
    }

    /** Ticks and reads batches until the consumer has seen everything committed so far. */
    List<Event> drain() throws SQLException {
        call("SELECT pgq.force_tick(?)", queue);
        call("SELECT pgq.ticker(?)", queue);
        List<Event> events = new ArrayList<>();
        while (true) {
            Long batch = nextBatch();
            if (batch == null) {
                return events;
            }
            events.addAll(batchEvents(batch));
            call("SELECT pgq.finish_batch(?)", batch);
        }
    }

    Long nextBatch() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT pgq.next_batch(?, ?)")) {
            st.setString(1, queue);
            st.setString(2, consumer);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                return rs.wasNull() ? null : id;
            }
        }
    }

    List<Event> batchEvents(long batch) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT ev_id, ev_type, ev_data, ev_extra1, ev_extra2, "
                     + "ev_extra3, ev_extra4, ev_retry FROM pgq.get_batch_events(?)")) {
            st.setLong(1, batch);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    events.add(new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), (Integer) rs.getObject(8)));
                }
            }
        }
        return events;
    }

    private void call(String sql) throws SQLException {
        call(sql, queue, consumer);
    }

    private void call(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.execute();
        }
    }
}
