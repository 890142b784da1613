package io.pgq.consumer.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.postgresql.PGResultSetMetaData;

/**
 * Reads a batch in chunks through {@code pgq.get_batch_cursor} and {@code FETCH}, so that no more
 * than one chunk is in memory. Must be used inside the caller's transaction. Not thread-safe.
 *
 * <p>Both are prepared statements with a constant text, so pgjdbc's statement cache
 * server-prepares them once they have run {@code prepareThreshold} times on a connection (5 by
 * default) and from then on receives the int8, int4 and timestamptz columns in binary: cheaper
 * for the server to send and for us to read than text, above all {@code ev_time}. (The FETCH is
 * described with the cursor of the batch in hand; every batch's cursor has the same columns.)
 * Rows are read in either format; {@code ev_data} as the driver's bytes (see {@link RawEvent}).
 *
 * <p>Plain JDBC, not jOOQ: the consume hot path (docs/benchmarks.md) reads binary-format rows
 * and the driver's bytes, which jOOQ's record mapping would copy and convert per event.
 */
public final class BatchCursor implements AutoCloseable {

    static final String NAME = "pgq_consumer_batch";
    private static final String OPEN = "SELECT ev_id, ev_time, ev_txid, ev_retry, ev_type, ev_data, "
            + "ev_extra1, ev_extra2, ev_extra3, ev_extra4 FROM pgq.get_batch_cursor(?, '" + NAME + "', ?)";
    private static final String OPEN_AFTER = "SELECT ev_id, ev_time, ev_txid, ev_retry, ev_type, ev_data, "
            + "ev_extra1, ev_extra2, ev_extra3, ev_extra4 FROM pgq.get_batch_cursor(?, '" + NAME + "', ?, ?)";

    private static final VarHandle INT8 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Binary timestamptz infinity and -infinity. */
    private static final long INFINITY = Long.MAX_VALUE;
    private static final long MINUS_INFINITY = Long.MIN_VALUE;

    private final Connection connection;
    private final long batchId;
    private final int fetchSize;
    private final String fetch;
    private final long afterEvId;
    private boolean open;
    private boolean exhausted;
    private String lastType;
    private byte[] lastTypeBytes;

    public BatchCursor(Connection connection, long batchId, int fetchSize) {
        this(connection, batchId, fetchSize, 0);
    }

    /** A cursor over the events of the batch after event {@code afterEvId} (0: all of them). */
    public BatchCursor(Connection connection, long batchId, int fetchSize, long afterEvId) {
        this.connection = connection;
        this.batchId = batchId;
        this.fetchSize = fetchSize;
        this.afterEvId = afterEvId;
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
        try (PreparedStatement st = connection.prepareStatement(afterEvId > 0 ? OPEN_AFTER : OPEN)) {
            st.setLong(1, batchId);
            st.setInt(2, fetchSize);
            if (afterEvId > 0) {
                st.setString(3, "ev_id > " + afterEvId);
            }
            try (ResultSet rs = st.executeQuery()) {
                return read(rs);
            }
        }
    }

    private List<RawEvent> fetchMore() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(fetch); ResultSet rs = st.executeQuery()) {
            return read(rs);
        }
    }

    /**
     * The rows left in {@code rs} as events, for a statement whose first ten columns are the
     * cursor's ({@code ev_id} to {@code ev_extra4}, in this order); {@code expected} sizes the list.
     */
    public static List<RawEvent> readEvents(ResultSet rs, int expected) throws SQLException {
        return new BatchCursor(null, 0, Math.max(1, expected)).read(rs);
    }

    private List<RawEvent> read(ResultSet rs) throws SQLException {
        List<RawEvent> chunk = new ArrayList<>(fetchSize);
        boolean binaryTime = isBinaryTimestamptz(rs.getMetaData(), 2);
        while (rs.next()) {
            chunk.add(binaryTime ? readBinaryTime(rs) : readTextTime(rs));
        }
        return chunk;
    }

    private RawEvent readTextTime(ResultSet rs) throws SQLException {
        int retry = rs.getInt(4);
        return new RawEvent(rs.getLong(1), rs.getString(2), RawEvent.NO_MICROS, rs.getLong(3), retry,
                type(rs), rs.getBytes(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
    }

    private RawEvent readBinaryTime(ResultSet rs) throws SQLException {
        byte[] time = rs.getBytes(2);
        long micros = time == null ? RawEvent.NO_MICROS : (long) INT8.get(time, 0);
        if (time != null && (micros == INFINITY || micros == MINUS_INFINITY)) {
            return readTextTime(rs);     // as text transfer has them: "infinity", "-infinity"
        }
        int retry = rs.getInt(4);
        return new RawEvent(rs.getLong(1), null, micros, rs.getLong(3), retry,
                type(rs), rs.getBytes(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
    }

    /** ev_type; the String of the row before if its bytes are the same (a batch has few types, often one). */
    private String type(ResultSet rs) throws SQLException {
        byte[] bytes = rs.getBytes(5);
        if (bytes == null) {
            return null;
        }
        if (!Arrays.equals(bytes, lastTypeBytes)) {
            lastType = rs.getString(5);
            lastTypeBytes = bytes.clone();
        }
        return lastType;
    }

    /** Whether {@code column} is a timestamptz that pgjdbc received in binary (then getBytes gives its 8 bytes). */
    private static boolean isBinaryTimestamptz(ResultSetMetaData md, int column) throws SQLException {
        return md.isWrapperFor(PGResultSetMetaData.class) && md.unwrap(PGResultSetMetaData.class).getFormat(column) == 1
                && "timestamptz".equals(md.getColumnTypeName(column));
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
