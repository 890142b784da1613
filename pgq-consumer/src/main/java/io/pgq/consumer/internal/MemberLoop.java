package io.pgq.consumer.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread ({@code pgq-consumer-<queue>-<n>}): looks for a batch, processes it,
 * repeats; waits for a tick notification or its turn to poll when there is nothing to do. No
 * single failure ends it: it logs with context, counts the error, pauses with a growing backoff
 * and continues. It ends when the consumer stops.
 */
final class MemberLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(MemberLoop.class);

    private final ConsumerRunner runner;
    private final ConsumerContext ctx;
    private final String member;
    private final String subconsumer;
    private final Backoff backoff;
    private volatile Connection connection;
    private volatile boolean inBatch;
    private volatile boolean failing;

    /** @param member the subconsumer name for a group member, {@code null} for a plain consumer */
    MemberLoop(ConsumerRunner runner, ConsumerContext ctx, String member) {
        this.runner = runner;
        this.ctx = ctx;
        this.member = member;
        this.subconsumer = member == null ? null : ctx.consumer() + "." + member;
        this.backoff = new Backoff(ctx.config().maxErrorBackoff());
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
        while (!runner.isStopping()) {
            try {
                iteration();
                backoff.reset();
                failing = false;
            } catch (InterruptedException e) {
                if (!runner.isStopping()) {
                    LOG.warn("Consumer thread interrupted while not stopping; continuing{}", where());
                }
            } catch (BatchAbortedException e) {
                LOG.warn("{}", e.getMessage());
                break;
            } catch (BatchLostException e) {
                ctx.metrics().errors.mark();
                LOG.warn("{}", e.getMessage());
            } catch (Throwable t) {
                failed(t);
            }
        }
        closeConnection();
        LOG.debug("Consumer thread ended{}", where());
    }

    private void iteration() throws InterruptedException, SQLException {
        runner.applyPendingSeek();
        long seen = runner.wakeup().generation();
        if (runner.isPaused()) {
            runner.wakeup().awaitWork(seen, () -> runner.isStopping() || !runner.isPaused() || runner.hasPendingSeek());
            return;
        }
        if (!pollAndProcess()) {
            runner.tickWatch().idle();
            runner.wakeup().polledEmpty();
            runner.wakeup().awaitWork(seen, () -> runner.isStopping() || runner.isPaused() || runner.hasPendingSeek());
        }
    }

    /** Takes and processes one batch; false when there was none. */
    private boolean pollAndProcess() throws SQLException {
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
                ctx.metrics().takeovers.mark();
                runner.groupView().tookOver(member, next.previousOwner(), batch);
            }
            heartbeat = runner.heartbeats().start(member, batch);
        }
        runner.tickWatch().batchTaken();
        inBatch = true;
        try {
            new BatchRun(ctx, c, batch, member, heartbeat, runner::isAborting).run();
        } finally {
            inBatch = false;
        }
        return true;
    }

    private void failed(Throwable t) {
        failing = true;
        ctx.metrics().errors.mark();
        closeConnection();
        Duration pause = backoff.next();
        if (backoff.failures() == 1) {
            LOG.warn("Consumer iteration failed{}; trying again in {}", where(), pause, t);
        } else {
            LOG.warn("Consumer iteration failed again ({} times in a row){}: {}; trying again in {}", backoff.failures(),
                    where(), Failures.describe(t), pause);
        }
        try {
            runner.wakeup().sleep(pause, runner::isStopping);
        } catch (InterruptedException e) {
            if (!runner.isStopping()) {
                LOG.warn("Consumer thread interrupted while not stopping; continuing{}", where());
            }
        }
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
