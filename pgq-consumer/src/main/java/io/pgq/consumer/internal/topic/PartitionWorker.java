package io.pgq.consumer.internal.topic;

import io.pgq.consumer.DeliveryMode;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.consumer.internal.RawEvent;
import io.pgq.core.TopicRouting;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the batches of one partition that the member owns at one epoch, one batch after the
 * other and never two at a time: a task on the member's worker pool that reschedules itself.
 * Between batches it obeys a revoke (finish, {@code onPartitionsRevoked}, release) or a stop
 * (finish, {@code onPartitionsRevoked}); a refused fencing check ends it as lost. A batch is
 * opened together with the read of its first chunk and finished together with the opening of
 * the next (see docs/design/topics.md, round trips per batch); the rest of a batch larger than a
 * chunk is read through one cursor on the same connection ({@link ChunkReader}); its read transaction ends after
 * {@link #READ_TRANSACTION_LIMIT} and before each retry wait. Progress in a batch (the last
 * finished event) is saved whenever the read transaction ended (at the next chunk boundary) and
 * before each retry wait in at-least-once mode, and with every event in exactly-once mode. Thread-safe: flags are
 * volatile, the rest is confined to the running task.
 */
final class PartitionWorker implements OrderedHandler.Partition {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);
    private static final Duration MAX_ERROR_BACKOFF = Duration.ofSeconds(30);
    /** A read transaction ends at the next event or chunk boundary after this long. */
    static final Duration READ_TRANSACTION_LIMIT = Duration.ofSeconds(1);
    /**
     * How long a batch handled whole while caught up waits for the partition's next tick to be
     * finished with the opening of the next batch (one statement); at most the poll interval.
     */
    static final Duration FINISH_DELAY_LIMIT = Duration.ofMillis(100);

    /** What the worker tells its member. */
    interface Owner {
        void released(PartitionWorker w);

        void stopped(PartitionWorker w);

        void lost(PartitionWorker w);

        void revoked(int partition);
    }

    private final int partition;
    private final long epoch;
    private final String queue;
    private final TopicConsumerConfig config;
    private final DataSource dataSource;
    private final TopicSql sql;
    private final OrderedHandler handler;
    private final ScheduledExecutorService pool;
    private final ExecutorService keyPool;
    private final Owner owner;
    private final Object waits = new Object();
    private final Object scheduling = new Object();
    private ScheduledFuture<?> next;    // guarded by scheduling: the pending run, null while one runs
    private boolean polling;            // guarded by scheduling: next is a poll wait (not an error backoff)
    private boolean wokenWhileRunning;  // guarded by scheduling
    private long generation;            // guarded by scheduling: of the pending run; bumped when it starts
    private volatile boolean revokeRequested;
    private volatile boolean stopRequested;
    private volatile boolean lost;
    private volatile boolean ended;
    private long progressBatch;
    private long opened;             // the batch the last finish opened, 0 when none
    private long unfinished;         // a batch handled whole whose finish waits for the next tick, 0 when none
    private boolean caughtUp;        // the batch in hand ends at the partition's newest tick
    private boolean lastBatchFitChunk = true;   // the last batch had fewer events than a chunk
    private Connection connection;   // of the batch in hand, null between batches
    private ChunkReader reader;      // of the batch in hand, null between batches
    private long progressEvId;
    private Duration errorBackoff = Duration.ZERO;

    PartitionWorker(Lease lease, TopicConsumerConfig config, DataSource dataSource, TopicSql sql, OrderedHandler handler,
                    ScheduledExecutorService pool, ExecutorService keyPool, Owner owner) {
        this.partition = lease.partition();
        this.epoch = lease.epoch();
        this.queue = TopicRouting.partitionQueue(config.topic(), partition);
        this.config = config;
        this.dataSource = dataSource;
        this.sql = sql;
        this.handler = handler;
        this.pool = pool;
        this.keyPool = keyPool;
        this.owner = owner;
        this.progressBatch = lease.batchId();
        this.progressEvId = lease.doneEvId();
    }

    @Override
    public int partition() {
        return partition;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public String queue() {
        return queue;
    }

    boolean ended() {
        return ended;
    }

    void start() {
        schedule(Duration.ZERO, false);
    }

    void requestRevoke() {
        revokeRequested = true;
        wake();
    }

    void requestStop() {
        stopRequested = true;
        wake();
    }

    /** The partition is no longer ours: stop at once, finish nothing more. */
    void markLost() {
        lost = true;
        wake();
    }

    /**
     * The ticker ticked the partition: when the worker is waiting out its poll interval, it looks
     * now instead. A running batch and an error backoff are not disturbed.
     */
    void tick() {
        runSooner(false);
    }

    private void wake() {
        synchronized (waits) {
            waits.notifyAll();
        }
        runSooner(true);   // a revoke, stop or loss is obeyed without waiting out a poll or error backoff
    }

    private void runSooner(boolean evenAfterError) {
        synchronized (scheduling) {
            if (next == null) {
                wokenWhileRunning = true;   // the running task looks again instead of waiting its poll interval
            } else if (polling || evenAfterError) {
                next.cancel(false);
                submit(Duration.ZERO, false);
            }
        }
    }

    private void schedule(Duration delay, boolean poll) {
        synchronized (scheduling) {
            if (poll && wokenWhileRunning) {
                submit(Duration.ZERO, false);
            } else {
                submit(delay, poll);
            }
            wokenWhileRunning = false;
        }
    }

    /** Replaces the pending run; a replaced run that starts anyway sees a newer generation and does nothing. */
    private void submit(Duration delay, boolean poll) {
        long g = ++generation;
        try {
            next = pool.schedule(() -> runIfCurrent(g), delay.toNanos(), TimeUnit.NANOSECONDS);
            polling = poll;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            next = null;
            ended = true;
        }
    }

    private void runIfCurrent(long g) {
        synchronized (scheduling) {
            if (g != generation) {
                return;
            }
            generation++;
            next = null;
        }
        runOnce();
    }

    private void runOnce() {
        try {
            if (lost) {
                ended = true;
                return;
            }
            if (stopRequested || revokeRequested) {
                handOver();
                return;
            }
            boolean more = oneBatch();
            errorBackoff = Duration.ZERO;
            schedule(more ? Duration.ZERO : idleWait(), !more);
        } catch (LeaseLostException e) {
            LOG.info("Partition {} of topic {} (group {}, member {}) was taken by another member: {}", partition,
                    config.topic(), config.group(), config.memberId(), e.getMessage());
            lost = true;
            ended = true;
            owner.lost(this);
        } catch (Throwable t) {
            errorBackoff = errorBackoff.isZero() ? Duration.ofSeconds(1)
                    : errorBackoff.multipliedBy(2).compareTo(MAX_ERROR_BACKOFF) > 0 ? MAX_ERROR_BACKOFF : errorBackoff.multipliedBy(2);
            LOG.warn("Partition {} of topic {} (group {}, member {}) failed; again in {}: {}", partition, config.topic(),
                    config.group(), config.memberId(), errorBackoff, t.toString());
            if (t instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                ended = true;
                return;
            }
            schedule(errorBackoff, false);
        }
    }

    /** How long to wait for the next tick: the poll interval, or less while a finish waits for it. */
    private Duration idleWait() {
        if (unfinished == 0) {
            return config.pollInterval();
        }
        return config.pollInterval().compareTo(FINISH_DELAY_LIMIT) < 0 ? config.pollInterval() : FINISH_DELAY_LIMIT;
    }

    /**
     * Revoked or stopping between batches: finish the batch in hand, tell the listener, then
     * release (revoke) or leave it to the member's leave (stop).
     */
    private void handOver() {
        ended = true;   // first: the coordinator leaves an ended worker alone, so no loss is reported meanwhile
        finishUnfinished();
        owner.revoked(partition);
        if (stopRequested) {
            owner.stopped(this);
            return;
        }
        try (Connection c = autoCommit(dataSource.getConnection())) {
            sql.release(c, partition, epoch);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Releasing partition {} of topic {} (group {}, member {}) failed; the next heartbeat will: {}", partition,
                    config.topic(), config.group(), config.memberId(), e.toString());
        }
        owner.released(this);
    }

    /** Finishes the batch whose finish waited for the next tick, if any (a failure only means it is handled again). */
    private void finishUnfinished() {
        long batchId = unfinished;
        unfinished = 0;
        if (batchId == 0) {
            return;
        }
        try (Connection c = autoCommit(dataSource.getConnection())) {
            sql.finishBatch(c, partition, epoch, batchId);
            progressBatch = 0;
            progressEvId = 0;
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Finishing batch {} of partition {} of topic {} (group {}, member {}) failed; its next owner handles "
                    + "it again: {}", batchId, partition, config.topic(), config.group(), config.memberId(), e.toString());
        }
    }

    /**
     * Handles the next batch, if any, on one connection; false when there is nothing to do until
     * the next tick: there was no batch, the batch's finish found no next one, or the batch was
     * small and its finish waits for the next tick. A batch of fewer events than a chunk that
     * ends at the partition's newest tick is finished together with the opening of the next
     * batch when the next tick arrives (or after {@link #FINISH_DELAY_LIMIT}): one statement per
     * batch while caught up. Any other batch (a backlog) is finished at once, and the finish opens
     * the next batch in the same statement; it is handled at the next run.
     */
    private boolean oneBatch() throws SQLException {
        try (Connection c = autoCommit(dataSource.getConnection())) {
            ChunkReader r = open(c);
            if (r == null) {
                return false;
            }
            long batchId = r.batchId();
            long next;
            try (r) {
                connection = c;
                reader = r;
                if (!handleBatch(r, batchId)) {
                    return true;
                }
                if (caughtUp && r.eventsRead() < config.fetchSize() && sql.hasFinishAndNextEvents(c)) {
                    unfinished = batchId;
                    return false;
                }
                next = r.endWith(() -> sql.finishAndNextBatch(c, partition, epoch, batchId));
            } finally {
                connection = null;
                reader = null;
            }
            progressBatch = 0;
            progressEvId = 0;
            lastBatchFitChunk = r.eventsRead() < config.fetchSize();
            opened = Math.max(next, 0);
            return next != 0;
        }
    }

    /**
     * A reader of the batch to handle now, null when there is none. Usually the batch comes with
     * its first chunk, read outside a transaction: the next batch, or the batch the last finish
     * opened when the last batch fit in a chunk (caught up, batches are small); unless the batch
     * took more event ids than a chunk, which is then read through a cursor. After a larger
     * batch (a backlog) the batch the finish opened is read from its start through a cursor in a
     * read transaction, so that it is scanned once; so is a batch with saved progress, after it.
     * A batch whose finish waited for the next tick is finished first, in the statement that
     * opens the next one.
     */
    private ChunkReader open(Connection c) throws SQLException {
        long batchId = opened;
        opened = 0;
        caughtUp = false;
        long toFinish = unfinished;
        unfinished = 0;   // should the finish fail, the batch is opened again and skipped from its progress
        if (toFinish != 0) {
            TopicSql.Opened o = sql.finishAndNextBatchEvents(c, partition, epoch, toFinish, config.fetchSize());
            progressBatch = 0;
            progressEvId = 0;
            return reader(c, o);
        }
        if ((batchId == 0 || lastBatchFitChunk) && progressBatch == 0 && sql.hasBatchCalls(c)) {
            return reader(c, sql.nextBatchEvents(c, partition, config.fetchSize()));
        }
        if (batchId == 0) {
            batchId = sql.nextBatch(c, partition);
        }
        if (batchId == 0) {
            return null;
        }
        return new ChunkReader(c, batchId, progressBatch == batchId ? progressEvId : 0, config.fetchSize());
    }

    /** A reader of a batch opened with its first events (null: none opened); notes whether it is {@link #caughtUp}. */
    private ChunkReader reader(Connection c, TopicSql.Opened o) {
        if (o == null) {
            return null;
        }
        caughtUp = o.caughtUp();
        return o.firstEvents() == null ? new ChunkReader(c, o.batchId(), 0, config.fetchSize())
                : new ChunkReader(c, o.batchId(), config.fetchSize(), o.firstEvents());
    }

    /**
     * Handles the events of the batch chunk by chunk; false when cut short. The read transaction
     * ends when it is older than {@link #READ_TRANSACTION_LIMIT} (the progress is then saved at
     * the next chunk boundary) and before every retry wait, so no transaction stays open for long.
     */
    private boolean handleBatch(ChunkReader r, long batchId) throws SQLException {
        while (true) {
            List<RawEvent> chunk = r.next();
            if (chunk.isEmpty()) {
                return true;
            }
            if (!handleChunk(batchId, chunk)) {
                return false;
            }
            if (chunk.size() < config.fetchSize()) {
                return true;
            }
            if (r.openLongerThan(READ_TRANSACTION_LIMIT.toNanos())) {
                r.close();
            }
            long last = chunk.get(chunk.size() - 1).id();
            if (!r.isOpen()) {   // a new read transaction starts with the next chunk: save where we are
                saveProgress(batchId, last);
            }
        }
    }

    /** Handles a chunk in ev_id order (per key with key concurrency); false when cut short. */
    private boolean handleChunk(long batchId, List<RawEvent> chunk) throws SQLException {
        if (config.keyConcurrency() == 1) {
            for (RawEvent e : chunk) {
                if (lost || !handler.handle(e, batchId, this)) {
                    return false;
                }
                progressBatch = batchId;
                progressEvId = e.id();
                if (reader.openLongerThan(READ_TRANSACTION_LIMIT.toNanos())) {
                    reader.close();
                }
            }
            return true;
        }
        Map<String, List<RawEvent>> byKey = new LinkedHashMap<>();
        for (RawEvent e : chunk) {
            byKey.computeIfAbsent(String.valueOf(e.extra4()), k -> new ArrayList<>()).add(e);
        }
        List<Future<Boolean>> keys = new ArrayList<>(byKey.size());
        for (List<RawEvent> events : byKey.values()) {
            keys.add(keyPool.submit(() -> {
                for (RawEvent e : events) {
                    if (lost || !handler.handle(e, batchId, InChunk.wrap(this))) {
                        return false;
                    }
                }
                return true;
            }));
        }
        boolean all = true;
        for (Future<Boolean> f : keys) {
            try {
                all &= awaitKey(f);
            } catch (java.util.concurrent.ExecutionException ex) {
                if (ex.getCause() instanceof LeaseLostException lle) {
                    throw lle;
                }
                throw new SQLException("handling a key of partition " + partition + " failed", ex.getCause());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                keys.forEach(k -> k.cancel(true));
                return false;
            }
        }
        return all;
    }

    /** The result of a key's task; ends the read transaction meanwhile once it is too old (a key may be in a retry wait). */
    private boolean awaitKey(Future<Boolean> f) throws SQLException, InterruptedException,
            java.util.concurrent.ExecutionException {
        while (reader.isOpen()) {
            try {
                return f.get(READ_TRANSACTION_LIMIT.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (reader.openLongerThan(READ_TRANSACTION_LIMIT.toNanos())) {
                    reader.close();
                }
            }
        }
        return f.get();
    }

    /** With key concurrency the progress is a chunk boundary: nothing is saved inside a chunk. */
    private static final class InChunk implements OrderedHandler.Partition {
        private final PartitionWorker w;

        private InChunk(PartitionWorker w) {
            this.w = w;
        }

        static OrderedHandler.Partition wrap(PartitionWorker w) {
            return new InChunk(w);
        }

        @Override
        public int partition() {
            return w.partition;
        }

        @Override
        public long epoch() {
            return w.epoch;
        }

        @Override
        public String queue() {
            return w.queue;
        }

        @Override
        public void beforeWait() {
        }

        @Override
        public boolean await(Duration delay) {
            return w.await(delay);
        }
    }

    @Override
    public void beforeWait() throws SQLException {
        if (reader != null) {
            reader.close();   // no transaction stays open across a retry wait
        }
        if (progressBatch != 0 && config.deliveryMode() == DeliveryMode.AT_LEAST_ONCE) {
            saveProgress(progressBatch, progressEvId);
        }
    }

    /** Saves the progress on the batch's connection (outside its read transaction). */
    private void saveProgress(long batchId, long evId) throws SQLException {
        if (config.deliveryMode() == DeliveryMode.EXACTLY_ONCE) {
            return;
        }
        sql.saveProgress(connection, partition, epoch, batchId, evId);
    }

    @Override
    public boolean await(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        synchronized (waits) {
            while (!lost && !stopRequested && !revokeRequested) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(waits, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private static Connection autoCommit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.setAutoCommit(true);
        }
        return c;
    }

    @Override
    public String toString() {
        return "partition " + partition + " of " + config.topic() + " at epoch " + epoch;
    }
}
