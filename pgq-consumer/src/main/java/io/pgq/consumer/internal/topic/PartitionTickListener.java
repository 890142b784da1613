package io.pgq.consumer.internal.topic;

import io.pgq.core.internal.ServiceLoop;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.IntConsumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on {@code pgq_tick} for a member and wakes the worker of a partition as soon as the
 * ticker announces a tick of its queue (payload {@code <topic>.p<k>}), or every worker for a tick
 * of some queue (empty payload). Polling stays the fallback: without notifications (a pooler in
 * transaction mode, a broken connection) the workers still look every poll interval. Holds one
 * connection while running and reconnects with a growing pause when it breaks. Runs on its own
 * thread; {@link #stop()} may be called from any.
 */
final class PartitionTickListener implements Runnable {

    static final String CHANNEL = "pgq_tick";
    /** Value of {@code wake} for "every partition". */
    static final int ALL = -1;
    private static final Logger LOG = LoggerFactory.getLogger(PartitionTickListener.class);
    private static final int WAIT_MILLIS = 250;

    private final DataSource dataSource;
    private final String prefix;
    private final IntConsumer wake;
    private final ServiceLoop loop;
    private volatile boolean stopped;
    private Connection connection;
    private PGConnection pg;

    /** Wakes {@code wake.accept(partition)} for ticks of the partitions of {@code topic}, {@link #ALL} for any queue. */
    PartitionTickListener(DataSource dataSource, String topic, IntConsumer wake) {
        this.dataSource = dataSource;
        this.prefix = topic + ".p";
        this.wake = wake;
        this.loop = ServiceLoop.builder("listening for ticks of topic " + topic + " on channel " + CHANNEL
                        + " (partitions poll every poll interval meanwhile)", LOG, this::waitForNotifications)
                .stopping(() -> stopped)
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .onFailure(failure -> disconnect())
                .build();
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
        if (notifications != null) {
            for (PGNotification n : notifications) {
                int partition = partitionOf(n.getParameter());
                if (partition != Integer.MIN_VALUE) {
                    wake.accept(partition);
                }
            }
        }
        return true;
    }

    /** The partition a payload names, {@link #ALL} for an empty one, MIN_VALUE for another queue. */
    int partitionOf(String payload) {
        if (payload == null || payload.isEmpty()) {
            return ALL;
        }
        if (!payload.startsWith(prefix) || payload.length() == prefix.length() || payload.length() > prefix.length() + 3) {
            return Integer.MIN_VALUE;
        }
        int k = 0;
        for (int i = prefix.length(); i < payload.length(); i++) {
            char ch = payload.charAt(i);
            if (ch < '0' || ch > '9') {
                return Integer.MIN_VALUE;
            }
            k = k * 10 + (ch - '0');
        }
        return k;
    }

    private void listen() throws SQLException {
        if (connection != null) {
            return;
        }
        connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
            st.execute("listen " + CHANNEL);
        }
        pg = connection.unwrap(PGConnection.class);
        LOG.debug("Listening on channel {} for the partitions of {}", CHANNEL, prefix);
        wake.accept(ALL);   // ticks may have been missed while not listening
    }

    private void disconnect() {
        Connection c = connection;
        connection = null;
        pg = null;
        if (c != null) {
            try (c; Statement st = c.createStatement()) {
                st.execute("unlisten *");
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Closing the listening connection for {} failed: {}", prefix, e.getMessage());
            }
        }
    }
}
