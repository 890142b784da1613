package io.pgq.consumer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a batch in chunks through {@code pgq.get_batch_cursor} and {@code FETCH}, so that no more
 * than one chunk is in memory. Must be used inside the caller's transaction. Not thread-safe.
 */
public final class BatchCursor implements AutoCloseable {

    static final String NAME = "pgq_consumer_batch";
    private static final String OPEN = "SELECT ev_id, ev_time, ev_txid, ev_retry, ev_type, ev_data, "
            + "ev_extra1, ev_extra2, ev_extra3, ev_extra4 FROM pgq.get_batch_cursor(?, '" + NAME + "', ?)";

    private final Connection connection;
    private final long batchId;
    private final int fetchSize;
    private final String fetch;
    private boolean open;
    private boolean exhausted;

    public BatchCursor(Connection connection, long batchId, int fetchSize) {
        this.connection = connection;
        this.batchId = batchId;
        this.fetchSize = fetchSize;
        this.fetch = "FETCH FORWARD " + fetchSize + " FROM " + NAME;
    }

    /** The next chunk; empty once the batch is read. The first call declares the cursor. */
    public List<RawEvent> next() throws SQLException {
        if (exhausted) {
            return List.of();
        }
        List<RawEvent> chunk = open ? fetchMore() : declare();
        open = true;
        exhausted = chunk.size() < fetchSize;
        return chunk;
    }

    /** Whether the last chunk has been returned. */
    public boolean exhausted() {
        return exhausted;
    }

    /** Skips what is left of the batch; returns how many events that was. */
    public long skipRest() throws SQLException {
        if (exhausted || !open) {
            return exhausted ? 0 : countAll();
        }
        exhausted = true;
        try (Statement st = connection.createStatement()) {
            return st.executeUpdate("MOVE FORWARD ALL FROM " + NAME);
        }
    }

    private long countAll() throws SQLException {
        long n = 0;
        for (List<RawEvent> chunk = next(); !chunk.isEmpty(); chunk = next()) {
            n += chunk.size();
        }
        return n;
    }

    /** Forgets the cursor without closing it: a rollback to a savepoint older than it closed it. */
    void forget() {
        open = false;
        exhausted = true;
    }

    private List<RawEvent> declare() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(OPEN)) {
            st.setLong(1, batchId);
            st.setInt(2, fetchSize);
            try (ResultSet rs = st.executeQuery()) {
                return read(rs);
            }
        }
    }

    private List<RawEvent> fetchMore() throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(fetch)) {
            return read(rs);
        }
    }

    private List<RawEvent> read(ResultSet rs) throws SQLException {
        List<RawEvent> chunk = new ArrayList<>(fetchSize);
        while (rs.next()) {
            int retry = rs.getInt(4);
            chunk.add(new RawEvent(rs.getLong(1), rs.getString(2), rs.getLong(3), retry,
                    rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                    rs.getString(10)));
        }
        return chunk;
    }

    /** Closes the cursor if it is open. */
    @Override
    public void close() throws SQLException {
        if (open) {
            open = false;
            try (Statement st = connection.createStatement()) {
                st.execute("CLOSE " + NAME);
            }
        }
    }
}
