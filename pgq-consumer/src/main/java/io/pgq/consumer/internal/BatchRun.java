package io.pgq.consumer.internal;

import io.pgq.consumer.BatchHandler;
import io.pgq.consumer.DeliveryMode;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.RetryPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one batch in one transaction: streams its events through the cursor, dispatches
 * them, writes retries and dead letters, and finishes the batch, then commits. Anything that
 * goes wrong outside the handlers rolls the whole transaction back, so the batch is delivered
 * again. Not thread-safe; one per batch.
 *
 * <p>Plain JDBC, not jOOQ: the consume hot path (docs/benchmarks.md), in the batch's own
 * transaction on the member's connection.
 */
final class BatchRun implements BatchContext {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRun.class);
    /** The handler timer sees the first 64 handler calls of a batch, then every 16th: timing costs ~0.1 us. */
    private static final int TIME_ALL_FIRST = 64;
    private static final int TIME_EVERY_MASK = 15;

    private final ConsumerContext ctx;
    private final Connection connection;
    private final long batchId;
    private final String member;
    private final Heartbeats.Handle heartbeat;
    private final BooleanSupplier aborted;
    private final ConsumerLease lease;
    private final ConsumerLease.Grant grant;
    private final BatchTransaction transaction;
    private final PendingOutcomes outcomes;
    private final RetryPolicy policy;
    private int ignored;
    private int handled;

    /**
     * @param member    the subconsumer name for a group member, {@code null} for a plain consumer
     * @param heartbeat the member's heartbeat for this batch, or {@code null}
     * @param aborted   true once the batch must be abandoned (shutdown timeout)
     * @param lease     a plain consumer's lease, or {@code null} for a group member
     * @param grant     the lease held when the batch was taken (a plain consumer), or {@code null}
     */
    BatchRun(ConsumerContext ctx, Connection connection, long batchId, String member, Heartbeats.Handle heartbeat,
             BooleanSupplier aborted, ConsumerLease lease, ConsumerLease.Grant grant) {
        this.ctx = ctx;
        this.connection = connection;
        this.batchId = batchId;
        this.member = member;
        this.heartbeat = heartbeat;
        this.aborted = aborted;
        this.lease = lease;
        this.grant = grant;
        this.transaction = new BatchTransaction(connection,
                ctx.config().deliveryMode() == DeliveryMode.EXACTLY_ONCE);
        this.outcomes = new PendingOutcomes(batchId, ctx.queue(), ctx.consumer(), ctx.config().deadLetterQueue(),
                ctx.schema(), ctx.attempts().keepsHistory());
        this.policy = ctx.config().retryPolicy();
    }

    /** Processes and finishes the batch; returns its number of events. */
    int run() throws SQLException {
        long start = System.nanoTime();
        boolean committed = false;
        connection.setAutoCommit(false);
        try {
            BatchHandler batchHandler = ctx.routes().batchHandler();
            int events = batchHandler != null ? runBatchHandler(batchHandler) : runEvents();
            outcomes.flushAll(connection);
            finish();
            connection.commit();
            committed = true;
            record(events, start);
            return events;
        } finally {
            if (heartbeat != null) {
                heartbeat.close();
            }
            if (!committed) {
                rollbackQuietly();
            }
            restoreAutoCommit();
        }
    }

    @Override
    public long batchId() {
        return batchId;
    }

    @Override
    public String queue() {
        return ctx.queue();
    }

    @Override
    public String consumer() {
        return ctx.consumer();
    }

    @Override
    public BatchTransaction transaction() {
        return transaction;
    }

    ConsumerContext context() {
        return ctx;
    }

    // ---- one event at a time

    private int runEvents() throws SQLException {
        BatchCursor cursor = new BatchCursor(connection, batchId, ctx.config().fetchSize());
        int total = 0;
        while (true) {
            List<RawEvent> chunk = cursor.next();
            for (RawEvent e : chunk) {
                checkNotAborted();
                handle(e);
            }
            outcomes.flush(connection);
            total += chunk.size();
            if (cursor.exhausted()) {
                return total;
            }
        }
    }

    private void handle(RawEvent e) throws SQLException {
        Routes.Route route = ctx.routes().route(e.type());
        if (route == null) {
            if (ctx.config().strictTypes()) {
                deadLetter(e, "no handler for event type '" + e.type() + "' (strict types)", null);
            } else {
                ignored++;
            }
            return;
        }
        Object payload;
        try {
            payload = route.decode(e);
        } catch (Exception | StackOverflowError decodeFailure) {
            deadLetter(e, "malformed payload: cannot decode it as " + route.payloadClass().getName() + ": "
                    + Failures.jacksonMessage(decodeFailure), null);
            return;
        }
        Outcome outcome = null;
        Throwable failure = null;
        boolean timed = handled < TIME_ALL_FIRST || (handled & TIME_EVERY_MASK) == 0;
        handled++;
        long start = timed ? System.nanoTime() : 0;
        try {
            outcome = route.handler().handle(new EventImpl<>(e, payload, this));
            if (outcome == null) {
                failure = new IllegalStateException("the handler returned null instead of an Outcome");
            }
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable t) {
            failure = t;
        }
        if (timed) {
            ctx.metrics().handlerTook(System.nanoTime() - start);
        }
        checkNotAborted();
        apply(e, outcome, failure);
    }

    private void apply(RawEvent e, Outcome outcome, Throwable failure) throws SQLException {
        if (failure == null && outcome instanceof Outcome.Done) {
            transaction.keep();
            outcomes.handled(e);
            return;
        }
        transaction.undo();
        if (failure != null) {
            onFailure(e, failure, true);
        } else if (outcome instanceof Outcome.Retry r) {
            onRetry(e, r.delay());
        } else if (outcome instanceof Outcome.ToDeadLetters d) {
            deadLetter(e, d.reason(), null);
        }
    }

    // ---- outcomes

    /** The handler failed with {@code failure}: retry or dead letter, as the policy says. */
    void onFailure(RawEvent e, Throwable failure, boolean logCause) {
        int attempt = e.retry() + 1;
        if (!policy.isRetriable(failure)) {
            deadLetter(e, "not retriable: " + Failures.describe(failure), logCause ? failure : null);
        } else if (!policy.hasAttemptsLeft(attempt)) {
            deadLetter(e, "failed " + attempt + " of " + policy.maxAttempts() + " attempts, last with "
                    + Failures.describe(failure), logCause ? failure : null);
        } else {
            Duration delay = policy.delay(attempt);
            String error = Failures.describe(failure);
            ctx.attempts().retried(e.id(), e.type(), attempt, policy.maxAttempts(), delay, error);
            outcomes.failed(e, attempt, error);
            outcomes.retry(e, ctx.clock().instant().plus(delay));
        }
    }

    /** The handler asked for a retry after {@code delay} ({@code null}: the policy's backoff). */
    void onRetry(RawEvent e, Duration delay) {
        int attempt = e.retry() + 1;
        if (!policy.hasAttemptsLeft(attempt)) {
            deadLetter(e, "failed " + attempt + " of " + policy.maxAttempts() + " attempts, last asked for a retry",
                    null);
        } else {
            outcomes.retry(e, ctx.clock().instant().plus(delay != null ? delay : policy.delay(attempt)));
        }
    }

    void deadLetter(RawEvent e, String reason, Throwable cause) {
        LOG.warn("Event {} (type {}, attempt {}) of batch {} goes to dead-letter queue {}{}: {}", e.id(), e.type(),
                e.retry() + 1, batchId, ctx.config().deadLetterQueue(), ctx.where(), reason);
        if (cause != null) {
            LOG.debug("Dead-lettered event {} of batch {}: handler failure", e.id(), batchId, cause);
        }
        outcomes.deadLetter(e, reason, ctx.clock().instant());
    }

    void flushOutcomes() throws SQLException {
        outcomes.flush(connection);
    }

    int pendingOutcomes() {
        return outcomes.size();
    }

    void checkNotAborted() {
        if (grant != null && grant.revoked()) {
            throw new LeaseLostException("Batch " + batchId + " is rolled back: this instance" + lease.describe(grant)
                    + " lost consumer " + ctx.consumer() + " on queue " + ctx.queue() + " (its lease ran out); "
                    + "the instance that holds it now processes the batch", ctx.queue(), ctx.consumer(), null);
        }
        if (aborted.getAsBoolean() || heartbeat != null && heartbeat.lost()) {
            if (heartbeat != null && heartbeat.lost()) {
                throw new BatchLostException("Batch " + batchId + " was taken over by another member of the group; "
                        + "it is rolled back here", ctx.queue(), ctx.consumer());
            }
            throw new BatchAbortedException(batchId, ctx.queue(), ctx.consumer());
        }
    }

    // ---- a whole batch at once

    private int runBatchHandler(BatchHandler handler) throws SQLException {
        BatchCursor cursor = new BatchCursor(connection, batchId, ctx.config().fetchSize());
        List<RawEvent> first = cursor.next();
        execute("SAVEPOINT pgq_batch");
        outcomes.checkpoint();
        BatchImpl batch = new BatchImpl(this, cursor, first);
        Throwable failure = null;
        long start = System.nanoTime();
        try {
            handler.handle(batch);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable t) {
            failure = t;
        }
        ctx.metrics().handlerTook(System.nanoTime() - start);
        checkNotAborted();
        if (failure == null) {
            long events = batch.finishReading();
            outcomes.flush(connection);
            return Math.toIntExact(events);
        }
        execute("ROLLBACK TO SAVEPOINT pgq_batch");
        outcomes.rollbackToCheckpoint();
        cursor.close();
        LOG.warn("The batch handler failed on batch {}{}; every event of the batch gets the retry policy's outcome",
                batchId, ctx.where(), failure);
        return failAll(failure);
    }

    private int failAll(Throwable failure) throws SQLException {
        BatchCursor cursor = new BatchCursor(connection, batchId, ctx.config().fetchSize());
        int total = 0;
        while (true) {
            List<RawEvent> chunk = cursor.next();
            for (RawEvent e : chunk) {
                onFailure(e, failure, false);
            }
            outcomes.flush(connection);
            total += chunk.size();
            if (cursor.exhausted()) {
                return total;
            }
        }
    }

    // ---- finishing

    private void finish() throws SQLException {
        if (member == null) {
            if (finishPlain() != 1) {
                throw new BatchLostException("Batch " + batchId + " was closed meanwhile (the consumer was repositioned "
                        + "or unregistered); its work is rolled back", ctx.queue(), ctx.consumer());
            }
            return;
        }
        if (heartbeat != null) {
            heartbeat.close();
        }
        checkNotAborted();
        // Locks this member's row until commit and proves it still owns the batch: a concurrent
        // take-over either happened before (another id comes back) or waits and then sees a live member.
        Long owned = ownedBatch();
        if (owned == null || owned != batchId) {
            throw new BatchLostException("Batch " + batchId + " was taken over by another member of the group "
                    + "(member " + member + " was not seen for longer than the session timeout); it is rolled back here",
                    ctx.queue(), ctx.consumer());
        }
        queryInt("SELECT pgq_coop.finish_batch(?)", batchId);
    }

    /** pgq.finish_batch, under the lease when the schema has one (the check and the finish in this transaction). */
    private int finishPlain() throws SQLException {
        checkNotAborted();
        if (grant == null || grant.epoch() == null) {
            return queryInt("SELECT pgq.finish_batch(?)", batchId);
        }
        try {
            return lease.finishBatch(connection, grant, batchId);
        } catch (SQLException e) {
            if (LeaseSql.LEASE_LOST.equals(e.getSQLState())) {
                throw new LeaseLostException("Batch " + batchId + " is rolled back: the database refused to finish it "
                        + "because this instance" + lease.describe(grant) + " no longer holds consumer "
                        + ctx.consumer() + " on queue " + ctx.queue() + "; the instance that holds it now processes "
                        + "the batch", ctx.queue(), ctx.consumer(), e);
            }
            throw e;
        }
    }

    private Long ownedBatch() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT pgq_coop.next_batch(?, ?, ?)")) {
            st.setString(1, ctx.queue());
            st.setString(2, ctx.consumer());
            st.setString(3, member);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                return rs.wasNull() ? null : id;
            }
        }
    }

    private int queryInt(String sql, long arg) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setLong(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    private void record(int events, long startNanos) {
        ctx.metrics().batchFinished(events, outcomes.retried(), outcomes.deadLettered(), ignored);
        ctx.attempts().flush();
        if (LOG.isDebugEnabled()) {
            LOG.debug("Finished batch {}{}: {} events, {} retried, {} dead letters, {} ignored, {} ms", batchId,
                    member != null ? " as member " + member + ctx.where() : ctx.where(), events, outcomes.retried(),
                    outcomes.deadLettered(), ignored, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Rollback of batch {} failed{}: {}", batchId, ctx.where(), e.getMessage());
        }
    }

    private void restoreAutoCommit() {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Could not reset the connection after batch {}{}: {}", batchId, ctx.where(), e.getMessage());
        }
    }
}
