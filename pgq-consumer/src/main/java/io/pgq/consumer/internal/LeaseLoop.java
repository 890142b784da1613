package io.pgq.consumer.internal;

import io.pgq.core.internal.ServiceLoop;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease thread of a plain consumer ({@code pgq-consumer-<queue>-lease}): renews the lease
 * every heartbeat interval while holding it, tries to take it every poll interval while
 * standing by, and releases it when the consumer stops. A {@link ServiceLoop}: a failed try is
 * logged and retried with backoff; meanwhile the grant runs out by time. Thread-safe.
 */
final class LeaseLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseLoop.class);

    private final ConsumerLease lease;
    private final Object lock = new Object();
    private final ServiceLoop loop;
    private volatile boolean stopping;
    private boolean nudged;

    LeaseLoop(ConsumerLease lease, ConsumerContext ctx) {
        this.lease = lease;
        Duration maxBackoff = min(ctx.config().maxErrorBackoff(), ctx.config().heartbeatInterval());
        this.loop = ServiceLoop.builder("lease thread" + ctx.where(), LOG, this::iteration)
                .stopping(() -> stopping)
                .backoff(min(Duration.ofMillis(200), maxBackoff), maxBackoff)
                .unhealthyAfter(ctx.config().unhealthyAfter())
                .pause(this::sleep)
                .build();
    }

    @Override
    public void run() {
        loop.run();
        lease.release();
    }

    /** False while taking or renewing has been failing for longer than the unhealthy threshold. */
    boolean isHealthy() {
        return loop.isHealthy();
    }

    /** Asks for the next try at once (a batch was refused: the lease may be lost). */
    void nudge() {
        synchronized (lock) {
            nudged = true;
            lock.notifyAll();
        }
    }

    /** Ends the loop; the thread releases the lease before it ends. */
    void stop() {
        stopping = true;
        nudge();
    }

    private boolean iteration() throws Exception {
        lease.step();
        sleep(lease.nextStepIn());
        return true;
    }

    private void sleep(Duration pause) throws InterruptedException {
        long deadline = System.nanoTime() + pause.toNanos();
        synchronized (lock) {
            long left;
            while (!stopping && !nudged && (left = deadline - System.nanoTime()) > 0) {
                lock.wait(Math.max(1, left / 1_000_000));
            }
            nudged = false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
