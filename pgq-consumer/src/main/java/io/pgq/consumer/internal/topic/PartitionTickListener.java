package io.pgq.consumer.internal.topic;

import io.pgq.consumer.internal.TickChannel;
import io.pgq.core.internal.ServiceLoop;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.IntConsumer;
import javax.sql.DataSource;
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

    /** Value of {@code wake} for "every partition". */
    static final int ALL = -1;
    private static final Logger LOG = LoggerFactory.getLogger(PartitionTickListener.class);
    private static final int WAIT_MILLIS = 250;

    private final String prefix;
    private final IntConsumer wake;
    private final TickChannel channel;
    private final ServiceLoop loop;
    private volatile boolean stopped;

    /** Wakes {@code wake.accept(partition)} for ticks of the partitions of {@code topic}, {@link #ALL} for any queue. */
    PartitionTickListener(DataSource dataSource, String topic, IntConsumer wake) {
        this.prefix = topic + ".p";
        this.wake = wake;
        // ticks may have been missed while not listening
        this.channel = new TickChannel(dataSource, "partitions of topic " + topic, () -> wake.accept(ALL));
        this.loop = ServiceLoop.builder("listening for ticks of topic " + topic + " on channel " + TickChannel.NAME
                        + " (partitions poll every poll interval meanwhile)", LOG, this::waitForNotifications)
                .stopping(() -> stopped)
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .onFailure(failure -> channel.close())
                .build();
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        loop.run();
        channel.close();
    }

    private boolean waitForNotifications() throws SQLException {
        for (PGNotification n : channel.await(WAIT_MILLIS)) {
            int partition = partitionOf(n.getParameter());
            if (partition != Integer.MIN_VALUE) {
                wake.accept(partition);
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
}
