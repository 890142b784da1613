package io.pgq.consumer.internal;

import io.pgq.core.internal.ServiceLoop;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
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

    private static final Logger LOG = LoggerFactory.getLogger(TickListener.class);
    private static final int WAIT_MILLIS = 250;

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final String queue;
    private final Wakeup wakeup;
    private final TickChannel channel;
    private final ServiceLoop loop;
    private volatile boolean stopped;

    TickListener(DataSource dataSource, ConsumerContext ctx, Wakeup wakeup) {
        this.queue = ctx.queue();
        this.wakeup = wakeup;
        // ticks may have been missed while not listening
        this.channel = new TickChannel(dataSource, "queue " + ctx.queue() + ", consumer " + ctx.consumer(),
                wakeup::signal);
        this.loop = ServiceLoop.builder("listening for ticks on channel " + TickChannel.NAME + ctx.where()
                        + " (consumers poll every poll interval meanwhile)", LOG, this::waitForNotifications)
                .stopping(() -> stopped)
                .backoff(FIRST_BACKOFF, ctx.config().maxErrorBackoff())
                .unhealthyAfter(ctx.config().unhealthyAfter())
                .onFailure(failure -> channel.close())
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
        channel.close();
    }

    private boolean waitForNotifications() throws SQLException {
        if (concernsUs(channel.await(WAIT_MILLIS))) {
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
}
