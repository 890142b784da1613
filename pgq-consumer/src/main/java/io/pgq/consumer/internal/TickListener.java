package io.pgq.consumer.internal;

import io.pgq.core.internal.ServiceLoop;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on {@code pgq_tick} and wakes the members when the ticker announces a tick of this
 * queue (payload = queue name) or of some queue (empty payload). Holds one connection while
 * running; reconnects with a growing pause when it breaks (a {@link ServiceLoop}), while the
 * members keep polling.
 * Waiting for notifications sends no queries. Runs on {@code pgq-consumer-<queue>-listener}.
 */
final class TickListener implements Runnable {

    static final String CHANNEL = "pgq_tick";
    private static final Logger LOG = LoggerFactory.getLogger(TickListener.class);
    private static final int WAIT_MILLIS = 250;

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final String queue;
    private final String consumer;
    private final Wakeup wakeup;
    private final ServiceLoop loop;
    private volatile boolean stopped;
    private Connection connection;
    private PGConnection pg;

    TickListener(DataSource dataSource, ConsumerContext ctx, Wakeup wakeup) {
        this.dataSource = dataSource;
        this.queue = ctx.queue();
        this.consumer = ctx.consumer();
        this.wakeup = wakeup;
        this.loop = ServiceLoop.builder("listening for ticks on channel " + CHANNEL + ctx.where()
                        + " (consumers poll every poll interval meanwhile)", LOG, this::waitForNotifications)
                .stopping(() -> stopped)
                .backoff(FIRST_BACKOFF, ctx.config().maxErrorBackoff())
                .unhealthyAfter(ctx.config().unhealthyAfter())
                .onFailure(failure -> disconnect())
                .build();
    }

    boolean isHealthy() {
        return loop.isHealthy();
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        loop.run();
        disconnect();
    }

    private boolean waitForNotifications() throws SQLException {
        listen();
        PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
        if (notifications != null && concernsUs(notifications)) {
            wakeup.signal();
        }
        return true;
    }

    private boolean concernsUs(PGNotification[] notifications) {
        for (PGNotification n : notifications) {
            String payload = n.getParameter();
            if (payload == null || payload.isEmpty() || payload.equals(queue)) {
                return true;
            }
        }
        return false;
    }

    private void listen() throws SQLException {
        if (connection != null) {
            return;
        }
        connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
        }
        pg = connection.unwrap(PGConnection.class);
        LOG.debug("Listening on channel {} (queue: {}, consumer: {})", CHANNEL, queue, consumer);
        wakeup.signal();   // ticks may have been missed while not listening
    }

    private void disconnect() {
        Connection c = connection;
        connection = null;
        pg = null;
        if (c != null) {
            try (c; Statement st = c.createStatement()) {
                st.execute("UNLISTEN *");
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Closing the listening connection failed (queue: {}, consumer: {}): {}", queue, consumer,
                        e.getMessage());
            }
        }
    }
}
