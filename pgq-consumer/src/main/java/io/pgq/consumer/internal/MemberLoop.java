package io.pgq.consumer.internal;

import io.pgq.core.internal.ServiceLoop;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread ({@code pgq-consumer-<queue>-<n>}): looks for a batch, processes it,
 * repeats; waits for a tick notification or its turn to poll when there is nothing to do. It is
 * a {@link ServiceLoop}: no failure ends it (it counts it, logs it with context, pauses with a
 * growing backoff and continues). It ends when the consumer stops, or when its batch was
 * abandoned at the shutdown timeout.
 */
final class MemberLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(MemberLoop.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final ConsumerRunner runner;
    private final ConsumerContext ctx;
    private final String member;
    private final String subconsumer;
    private final ServiceLoop loop;
    private volatile Connection connection;
    private volatile boolean inBatch;
    private volatile boolean failing;

    /** @param member the subconsumer name for a group member, {@code null} for a plain consumer */
    MemberLoop(ConsumerRunner runner, ConsumerContext ctx, String member) {
        this.runner = runner;
        this.ctx = ctx;
        this.member = member;
        this.subconsumer = member == null ? null : ctx.consumer() + "." + member;
        this.loop = ServiceLoop.builder("consumer thread" + where(), LOG, this::iteration)
                .stopping(runner::isStopping)
                .backoff(FIRST_BACKOFF, ctx.config().maxErrorBackoff())
                .unhealthyAfter(ctx.config().unhealthyAfter())
                .errors(ctx.metrics().errorMeter())
                .onFailure(failure -> closeConnection())
                .pause(pause -> runner.wakeup().sleep(pause, runner::isStopping))
                .build();
    }

    /** False while this thread has been failing for longer than the unhealthy threshold. */
    boolean isHealthy() {
        return loop.isHealthy();
    }

    String member() {
        return member;
    }

    /** Whether the last iteration failed (the loop is backing off). */
    boolean failing() {
        return failing;
    }

    /** Whether the loop holds a batch right now. */
    boolean inBatch() {
        return inBatch;
    }

    @Override
    public void run() {
        LOG.debug("Consumer thread started{}", where());
        loop.run();
        closeConnection();
        LOG.debug("Consumer thread ended{}", where());
    }

    /** One look for a batch; false when the batch in hand was abandoned at the shutdown timeout. */
    private boolean iteration() throws InterruptedException, SQLException {
        try {
            lookForWork();
        } catch (BatchAbortedException e) {
            LOG.warn("{}", e.getMessage());
            return false;
        } catch (BatchLostException e) {
            // another member or instance took the batch over: expected, not a failure of this thread
            ctx.metrics().error();
            LOG.warn("{}", e.getMessage());
        }
        return true;
    }

    private void lookForWork() throws InterruptedException, SQLException {
        runner.applyPendingSeek();
        long seen = runner.wakeup().generation();
        if (runner.isPaused()) {
            runner.wakeup().awaitWork(seen, () -> runner.isStopping() || !runner.isPaused() || runner.hasPendingSeek());
            return;
        }
        ConsumerLease.Grant grant = null;
        if (member == null) {
            grant = runner.lease().grant();
            if (grant == null) {   // standing by: the lease thread wakes us when it takes the lease
                runner.wakeup().awaitWork(seen, () -> runner.isStopping() || runner.hasPendingSeek()
                        || runner.lease().grant() != null);
                return;
            }
        }
        if (!pollAndProcess(grant)) {
            runner.tickWatch().idle();
            runner.wakeup().polledEmpty();
            runner.wakeup().awaitWork(seen, () -> runner.isStopping() || runner.isPaused() || runner.hasPendingSeek());
        }
    }

    /** Takes and processes one batch; false when there was none. {@code grant}: a plain consumer's lease. */
    private boolean pollAndProcess(ConsumerLease.Grant grant) throws SQLException {
        Connection c = connection();
        Poller.Result next = runner.poller().next(c, member);
        if (member != null) {
            runner.groupView().update(next.takenAt(), next.members());
        }
        if (next.batchId() == null) {
            return false;
        }
        long batch = next.batchId();
        Heartbeats.Handle heartbeat = null;
        if (member != null) {
            runner.wakeup().signal();   // more batches may be waiting: let idle members look too
            if (next.previousOwner() != null && !next.previousOwner().equals(subconsumer)) {
                ctx.metrics().takeover();
                runner.groupView().tookOver(member, next.previousOwner(), batch);
            }
            heartbeat = runner.heartbeats().start(member, batch);
        }
        runner.tickWatch().batchTaken();
        inBatch = true;
        try {
            new BatchRun(ctx, c, batch, member, heartbeat, runner::isAborting, runner.lease(), grant).run();
        } catch (LeaseLostException e) {
            runner.leaseLost(grant, "batch " + batch + " was rolled back");
            throw e;
        } finally {
            inBatch = false;
        }
        return true;
    }

    private Connection connection() throws SQLException {
        Connection c = connection;
        if (c == null) {
            c = runner.dataSource().getConnection();
            c.setAutoCommit(true);
            connection = c;
        }
        return c;
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Closing a consumer connection failed{}: {}", where(), e.getMessage());
            }
        }
    }

    /** Cuts the connection of a thread stuck in a handler after the shutdown timeout: the server rolls back. */
    void abortConnection() {
        Connection c = connection;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Aborting a consumer connection failed{}: {}", where(), e.getMessage());
            }
        }
    }

    private String where() {
        return member == null ? ctx.where() : " (queue: " + ctx.queue() + ", consumer: " + ctx.consumer() + ", member: "
                + member + ")";
    }
}
