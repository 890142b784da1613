package io.pgq.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * One JDBC session with short helpers for tests: values come back as the server's text form
 * ({@code null} for SQL NULL), so expectations read like psql output.
 */
final class Sql implements AutoCloseable {

    private final Connection connection;
    private final List<String> warnings = new ArrayList<>();

    private Sql(Connection connection) {
        this.connection = connection;
    }

    static Sql connect(TestDatabase db) throws SQLException {
        return new Sql(db.connect());
    }

    static Sql on(Connection connection) {
        return new Sql(connection);
    }

    Connection connection() {
        return connection;
    }

    /** The first column of the first row, or {@code null} when there is no row. */
    String scalar(String sql, Object... args) throws SQLException {
        List<List<String>> rows = rows(sql, args);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    long scalarLong(String sql, Object... args) throws SQLException {
        String value = scalar(sql, args);
        assertThat(value).as("result of %s", sql).isNotNull();
        return Long.parseLong(value);
    }

    void execute(String sql, Object... args) throws SQLException {
        try (PreparedStatement st = prepare(sql, args)) {
            st.execute();
            collectWarnings(st.getWarnings());
        }
    }

    List<List<String>> rows(String sql, Object... args) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        query(sql, rs -> {
            try {
                int n = rs.getMetaData().getColumnCount();
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, args);
        return rows;
    }

    /** Rows as column label → text value, in column order. */
    List<Map<String, String>> records(String sql, Object... args) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        query(sql, rs -> {
            try {
                ResultSetMetaData md = rs.getMetaData();
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, args);
        return rows;
    }

    Map<String, String> record(String sql, Object... args) throws SQLException {
        List<Map<String, String>> rows = records(sql, args);
        assertThat(rows).as("rows of %s", sql).hasSize(1);
        return rows.get(0);
    }

    /** The first column of every row. */
    List<String> column(String sql, Object... args) throws SQLException {
        return rows(sql, args).stream().map(r -> r.get(0)).toList();
    }

    List<String> columnLabels(String sql, Object... args) throws SQLException {
        try (PreparedStatement st = prepare(sql, args); ResultSet rs = st.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> labels = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                labels.add(md.getColumnLabel(i));
            }
            return labels;
        }
    }

    private void query(String sql, Consumer<ResultSet> each, Object... args) throws SQLException {
        try (PreparedStatement st = prepare(sql, args)) {
            boolean hasResult = st.execute();
            collectWarnings(st.getWarnings());
            if (hasResult) {
                try (ResultSet rs = st.getResultSet()) {
                    while (rs.next()) {
                        each.accept(rs);
                    }
                }
            }
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement st = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            st.setObject(i + 1, args[i]);
        }
        return st;
    }

    private void collectWarnings(SQLWarning w) {
        for (; w != null; w = w.getNextWarning()) {
            warnings.add(w.getMessage());
        }
    }

    /** Server warnings (RAISE WARNING / NOTICE) seen since the last call, then forgets them. */
    List<String> takeWarnings() {
        List<String> copy = List.copyOf(warnings);
        warnings.clear();
        return copy;
    }

    /**
     * Runs {@code sql}, expects it to fail and returns the server's primary error message. Inside
     * a transaction block a savepoint keeps the transaction usable.
     */
    String error(String sql, Object... args) throws SQLException {
        boolean inTx = !connection.getAutoCommit();
        Savepoint sp = inTx ? connection.setSavepoint() : null;
        try {
            execute(sql, args);
        } catch (PSQLException e) {
            if (sp != null) {
                connection.rollback(sp);
            }
            ServerErrorMessage m = e.getServerErrorMessage();
            return m != null ? m.getMessage() : e.getMessage();
        }
        if (sp != null) {
            connection.releaseSavepoint(sp);
        }
        return fail("expected an error from: " + sql);
    }

    /** Asserts that {@code sql} fails with exactly {@code expectedMessage}. */
    void assertSqlError(String sql, String expectedMessage, Object... args) throws SQLException {
        assertThat(error(sql, args)).as("error of %s", sql).isEqualTo(expectedMessage);
    }

    // ---- pgq shortcuts used by many tests ----

    /** Creates a queue whose ticker ticks on every call (reference §3.5 test setup). */
    void createEagerQueue(String queue) throws SQLException {
        assertThat(scalar("select pgq.create_queue(?)", queue)).isEqualTo("1");
        execute("select pgq.set_queue_config(?, 'ticker_max_lag', '0')", queue);
        execute("select pgq.set_queue_config(?, 'ticker_idle_period', '0')", queue);
    }

    /** Runs the ticker for one queue and returns the new tick id (asserting one was made). */
    long tick(String queue) throws SQLException {
        String id = scalar("select pgq.ticker(?)", queue);
        assertThat(id).as("ticker(%s) should have ticked", queue).isNotNull();
        return Long.parseLong(id);
    }

    Long nextBatch(String queue, String consumer) throws SQLException {
        String id = scalar("select pgq.next_batch(?, ?)", queue, consumer);
        return id == null ? null : Long.valueOf(id);
    }

    /** {@code ev_data} of the batch's events, in the order get_batch_events returns them. */
    List<String> batchData(long batchId) throws SQLException {
        return column("select ev_data from pgq.get_batch_events(?)", batchId);
    }

    /** Takes the next batch, returns its ev_data values and finishes it. */
    List<String> consume(String queue, String consumer) throws SQLException {
        Long batch = nextBatch(queue, consumer);
        assertThat(batch).as("a batch for %s/%s", queue, consumer).isNotNull();
        List<String> data = batchData(batch);
        assertThat(scalar("select pgq.finish_batch(?)", batch)).isEqualTo("1");
        return data;
    }

    long queueId(String queue) throws SQLException {
        return scalarLong("select queue_id from pgq.queue where queue_name = ?", queue);
    }

    void insert(String queue, String... data) throws SQLException {
        for (String d : data) {
            execute("select pgq.insert_event(?, 'test', ?)", queue, d);
        }
    }

    void begin() throws SQLException {
        connection.setAutoCommit(false);
    }

    void commit() throws SQLException {
        connection.commit();
        connection.setAutoCommit(true);
    }

    void rollback() throws SQLException {
        connection.rollback();
        connection.setAutoCommit(true);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
