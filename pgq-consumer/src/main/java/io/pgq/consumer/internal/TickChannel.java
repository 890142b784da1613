package io.pgq.consumer.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection LISTENing on the ticker's channel {@code pgq_tick}: opened by the first
 * {@link #await}, after which {@code onListening} runs (ticks may have been missed while not
 * listening); {@link #close()} unlistens and gives the connection back, and the next await opens
 * a new one. Waiting sends no queries. Not thread-safe: confined to its listener's thread.
 */
public final class TickChannel implements AutoCloseable {

    /** The channel {@code pgq.ticker} notifies, with the queue name as payload. */
    public static final String NAME = "pgq_tick";
    private static final Logger LOG = LoggerFactory.getLogger(TickChannel.class);
    private static final PGNotification[] NONE = new PGNotification[0];

    private final DataSource dataSource;
    private final String listener;
    private final Runnable onListening;
    private Connection connection;
    private PGConnection pg;

    /** {@code listener} names who listens, for log lines. */
    public TickChannel(DataSource dataSource, String listener, Runnable onListening) {
        this.dataSource = dataSource;
        this.listener = listener;
        this.onListening = onListening;
    }

    /** The notifications that arrive within {@code millis} (none when nothing did), listening first if needed. */
    public PGNotification[] await(int millis) throws SQLException {
        listen();
        PGNotification[] notifications = pg.getNotifications(millis);
        return notifications == null ? NONE : notifications;
    }

    private void listen() throws SQLException {
        if (connection != null) {
            return;
        }
        connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
            st.execute("listen " + NAME);
        }
        pg = connection.unwrap(PGConnection.class);
        LOG.debug("Listening on channel {} ({})", NAME, listener);
        onListening.run();
    }

    /** Stops listening and closes the connection; failures are logged, never thrown. */
    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        pg = null;
        if (c != null) {
            try (c; Statement st = c.createStatement()) {
                st.execute("unlisten *");
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Closing the listening connection failed ({}): {}", listener, e.getMessage());
            }
        }
    }
}
