package io.pgq.consumer.internal;

import com.zaxxer.hikari.HikariDataSource;
import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.DeadLetters;
import io.pgq.consumer.GroupListener;
import io.pgq.core.ConsumerNotRegisteredException;
import io.pgq.core.ConsumerPosition;
import io.pgq.core.Health;
import io.pgq.core.Pgq;
import io.pgq.core.PgqException;
import io.pgq.core.QueueAdmin;
import io.pgq.core.RetriableException;
import io.pgq.core.UnknownQueueException;
import io.pgq.core.internal.Backoff;
import io.pgq.core.internal.Check;
import io.pgq.core.internal.DataSources;
import io.pgq.core.internal.Errors;
import io.pgq.core.service.ServiceState;
import io.pgq.schema.internal.jooq.pgq_coop.Routines;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jooq.Configuration;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running consumer behind {@link io.pgq.consumer.PgqConsumer}: its threads, lifecycle,
 * pause, seek and shutdown. Thread-safe.
 */
public final class ConsumerRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRunner.class);
    private static final Duration ABORT_GRACE = Duration.ofSeconds(2);
    private static final int PREPARE_ATTEMPTS = 5;

    private final Pgq pgq;
    private final ConsumerConfig config;
    private final ConsumerContext ctx;
    private final DataSource dataSource;
    private final Configuration jooq;
    private final QueueAdmin admin;
    private final Wakeup wakeup;
    private final Poller poller;
    private final GroupView groupView;
    private final TickWatch tickWatch;
    private final AtomicReference<SeekRequest> pendingSeek = new AtomicReference<>();
    private final List<MemberLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile ServiceState state = ServiceState.NEW;
    private volatile boolean paused;
    private volatile boolean stopping;
    private volatile boolean aborting;
    private boolean prepared;
    private Heartbeats heartbeats;
    private ConsumerLease lease;
    private LeaseLoop leaseLoop;
    private Thread leaseThread;
    private TickListener listener;
    private Thread listenerThread;

    private record SeekRequest(ConsumerPosition position, CompletableFuture<Void> done) {
    }

    public ConsumerRunner(Pgq pgq, ConsumerConfig config, Routes routes, GroupListener groupListener, Clock clock) {
        this.pgq = pgq;
        this.config = config;
        this.dataSource = pgq.dataSource();
        this.jooq = DSL.using(dataSource, SQLDialect.POSTGRES).configuration();
        this.admin = pgq.admin();
        RunnerMetrics metrics = new RunnerMetrics(pgq.metrics(), config.queue(), config.consumer());
        this.ctx = new ConsumerContext(config, routes, pgq.config().objectMapper(), clock, metrics, new SchemaFeatures(),
                new AttemptLog(" (queue: " + config.queue() + ", consumer: " + config.consumer() + ")"));
        this.wakeup = new Wakeup(config.pollInterval());
        this.poller = new Poller(config);
        this.tickWatch = new TickWatch(admin, config.queue(), DataSources.label(dataSource), ctx.where());
        this.groupView = config.isGroup() ? new GroupView(config.queue(), config.consumer(),
                groupListener != null ? groupListener : new GroupListener() { }) : null;
    }

    // ---- lifecycle

    public synchronized void start() {
        if (state != ServiceState.NEW) {
            throw new IllegalStateException("a consumer can be started once; it is " + state + ctx.where()
                    + ": build a new PgqConsumer");
        }
        LOG.info("Starting consumer with configuration: {}, {}", config, ctx.routes());
        try {
            prepare();
        } catch (RuntimeException e) {
            state = ServiceState.STOPPED;
            throw e;
        }
        ctx.metrics().registerGauges(admin, config.queue(), config.consumer(), () -> health().healthy());
        if (config.listen()) {
            listener = new TickListener(dataSource, ctx, wakeup);
            listenerThread = thread(listener, "pgq-consumer-" + config.queue() + "-listener", true);
        }
        if (config.isGroup()) {
            heartbeats = new Heartbeats(dataSource, config.queue(), config.consumer(), config.heartbeatInterval());
        } else {
            leaseLoop = new LeaseLoop(lease, ctx);
            leaseThread = thread(leaseLoop, "pgq-consumer-" + config.queue() + "-lease", true);
        }
        int n = Math.max(1, config.groupMembers());
        for (int i = 1; i <= n; i++) {
            MemberLoop loop = new MemberLoop(this, ctx, config.isGroup() ? config.memberName(i) : null);
            loops.add(loop);
            threads.add(thread(loop, "pgq-consumer-" + config.queue() + "-" + i, false));
        }
        state = ServiceState.RUNNING;
        LOG.info("Started consumer {} of queue {} with {} thread(s)", config.consumer(), config.queue(), n);
    }

    private static Thread thread(Runnable body, String name, boolean daemon) {
        Thread t = new Thread(body, name);
        t.setDaemon(daemon);
        t.start();
        return t;
    }

    /**
     * Checks the queue and registration, creates the dead-letter queue, registers members. Once.
     * Every step is idempotent, so a transient failure ({@link RetriableException}: connection
     * lost, serialization failure, deadlock) is retried with backoff, up to {@value #PREPARE_ATTEMPTS}
     * attempts; any other failure is thrown at once.
     */
    private synchronized void prepare() {
        if (prepared) {
            return;
        }
        Backoff backoff = new Backoff(Duration.ofSeconds(1), config.maxErrorBackoff());
        while (true) {
            try {
                prepareOnce();
                prepared = true;
                return;
            } catch (RetriableException e) {
                if (backoff.failures() + 1 >= PREPARE_ATTEMPTS) {
                    throw e;
                }
                Duration pause = backoff.next();
                LOG.warn("Preparing consumer {} of queue {} failed (attempt {} of {}), trying again in {}: {}",
                        config.consumer(), config.queue(), backoff.failures(), PREPARE_ATTEMPTS, pause, e.getMessage());
                sleepBeforeRetry(pause, e);
            }
        }
    }

    private static void sleepBeforeRetry(Duration pause, RetriableException failure) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    private void prepareOnce() {
        if (admin.queue(config.queue()).isEmpty()) {
            throw new UnknownQueueException(config.queue(), null);
        }
        if (admin.consumer(config.queue(), config.consumer()).isEmpty()) {
            if (!config.registerIfMissing()) {
                throw new ConsumerNotRegisteredException(config.queue(), config.consumer(), null);
            }
            admin.registerConsumer(config.queue(), config.consumer(), config.startPosition());
            LOG.info("Registered consumer {} on queue {} at the {} position", config.consumer(), config.queue(),
                    config.startPosition().text());
        }
        prepareDeadLetterQueue();
        if (config.isGroup()) {
            for (int i = 1; i <= config.groupMembers(); i++) {
                registerMember(config.memberName(i));
            }
        }
        warnIfPoolTooSmall();
        detectFailureHistory();
        if (!config.isGroup()) {
            prepareLease();
        }
    }

    /** The lease row on the pgq-java schema; elsewhere a session advisory lock (direct connections only). */
    private void prepareLease() {
        boolean rows;
        try (Connection c = dataSource.getConnection()) {
            rows = LeaseSql.available(c);
        } catch (SQLException e) {
            throw Errors.translate(e, "Starting the consumer", config.queue(), config.consumer());
        }
        lease = new ConsumerLease(config, dataSource, rows, wakeup::signal);
        if (!rows) {
            LOG.info("The database has no consumer lease table (no pgq-java schema revision 5); one instance of "
                    + "consumer {} on queue {} runs at a time by a session advisory lock, which does not work behind "
                    + "a pooler in transaction mode", config.consumer(), config.queue());
        }
    }

    /** Whether the database keeps the errors of retried events (pgq-java schema revision 4 and later). */
    private void detectFailureHistory() {
        try (Connection c = dataSource.getConnection()) {
            ctx.attempts().keepsHistory(FailureHistory.available(c));
        } catch (SQLException e) {
            throw Errors.translate(e, "Starting the consumer", config.queue(), config.consumer());
        }
        if (!ctx.attempts().keepsHistory()) {
            LOG.info("The database does not keep the errors of retried events (no pgq-java schema revision 4); dead "
                    + "letters carry the last error only{}", ctx.where());
        }
    }

    private void prepareDeadLetterQueue() {
        String dlq = config.deadLetterQueue();
        if (config.createDeadLetterQueue()) {
            new DeadLetters(pgq).createQueue(dlq);
        } else if (admin.queue(dlq).isEmpty()) {
            throw new PgqException("The dead-letter queue " + dlq + " does not exist; create it with "
                    + "DeadLetters.createQueue or set createDeadLetterQueue(true)", config.queue(), config.consumer(), null);
        }
    }

    private void registerMember(String member) {
        try {
            Routines.registerSubconsumer(jooq, config.queue(), config.consumer(), member);
        } catch (RuntimeException e) {
            throw Errors.translate(e, "Registering group member " + member, config.queue(), config.consumer());
        }
    }

    private void warnIfPoolTooSmall() {
        int needed = Math.max(1, config.groupMembers()) + (config.listen() ? 1 : 0) + 1;
        if (dataSource instanceof HikariDataSource hikari && hikari.getMaximumPoolSize() < needed) {
            LOG.warn("The connection pool has {} connections but consumer {} of queue {} needs {} ({} thread(s), "
                    + "listener, heartbeat or lease); raise maximumPoolSize", hikari.getMaximumPoolSize(), config.consumer(),
                    config.queue(), needed, Math.max(1, config.groupMembers()));
        }
    }

    /**
     * Stops: no new batches; waits up to {@code timeout} for the batches in hand, then abandons
     * them (rolled back, delivered again later). True if every batch in hand was finished.
     */
    public boolean stop(Duration timeout) {
        synchronized (this) {
            if (state == ServiceState.NEW || state == ServiceState.STOPPED) {
                state = ServiceState.STOPPED;
                return true;
            }
            state = ServiceState.STOPPING;
            stopping = true;
        }
        LOG.info("Stopping consumer {} of queue {} (waiting up to {} for batches in hand)", config.consumer(),
                config.queue(), Check.duration(timeout));
        wakeup.signal();
        boolean clean = joinAll(System.nanoTime() + timeout.toNanos());
        if (!clean) {
            abandon();
        }
        stopHelpers();
        failPendingSeek();
        if (config.isGroup()) {
            leaveGroup();
        }
        ctx.metrics().removeGauges();
        state = ServiceState.STOPPED;
        LOG.info("Stopped consumer {} of queue {}{}", config.consumer(), config.queue(),
                clean ? "" : "; batches in hand were abandoned and will be delivered again");
        return clean;
    }

    private void abandon() {
        aborting = true;
        LOG.warn("Shutdown timeout ran out with batches in hand{}; abandoning them (they are rolled back and delivered "
                + "again)", ctx.where());
        threads.forEach(Thread::interrupt);
        if (!joinAll(System.nanoTime() + ABORT_GRACE.toNanos())) {
            loops.forEach(MemberLoop::abortConnection);
            if (!joinAll(System.nanoTime() + ABORT_GRACE.toNanos())) {
                LOG.warn("A handler does not return although its connection was closed{}; its thread is left behind",
                        ctx.where());
            }
        }
    }

    private boolean joinAll(long deadlineNanos) {
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            try {
                if (left > 0) {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    private void stopHelpers() {
        if (listener != null) {
            listener.stop();
            try {
                listenerThread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (heartbeats != null) {
            heartbeats.close();
        }
        if (leaseLoop != null) {
            leaseLoop.stop();
            try {
                leaseThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Graceful leave: members without a batch unregister (a batch in hand stays for re-delivery or take-over). */
    private void leaveGroup() {
        for (MemberLoop loop : loops) {
            if (loop.inBatch()) {
                continue;
            }
            try {
                Routines.unregisterSubconsumer(jooq, config.queue(), config.consumer(), loop.member(), 0);
            } catch (RuntimeException e) {
                LOG.debug("Member {} stays registered{}: {}", loop.member(), ctx.where(), e.getMessage());
            }
        }
    }

    public ServiceState state() {
        return state;
    }

    /** {@link #health()} says healthy. */
    public boolean isHealthy() {
        return health().healthy();
    }

    /**
     * Running, with ticks coming and no thread failing for longer than the unhealthy threshold;
     * else what is wrong.
     */
    public Health health() {
        if (state != ServiceState.RUNNING) {
            return Health.unhealthy("consumer " + config.consumer() + " of queue " + config.queue() + " is " + state);
        }
        String ticks = tickWatch.problem();
        if (ticks != null) {
            return Health.unhealthy(ticks);
        }
        if (listener != null && !listener.isHealthy()) {
            return Health.unhealthy("the tick listener of consumer " + config.consumer() + " of queue " + config.queue()
                    + " keeps failing (see the WARN lines)");
        }
        if (leaseLoop != null && !leaseLoop.isHealthy()) {
            return Health.unhealthy("the lease thread of consumer " + config.consumer() + " of queue " + config.queue()
                    + " keeps failing (see the WARN lines)");
        }
        long failing = loops.stream().filter(loop -> !loop.isHealthy()).count();
        if (failing > 0) {
            return Health.unhealthy(failing + " of " + loops.size() + " thread(s) of consumer " + config.consumer()
                    + " of queue " + config.queue() + " fail to get or finish batches (see the WARN lines)");
        }
        return Health.healthy("consumer " + config.consumer() + " of queue " + config.queue() + " is running"
                + (paused ? " (paused)" : "") + (lease != null && lease.grant() == null ? " (standing by)" : ""));
    }

    TickWatch tickWatch() {
        return tickWatch;
    }

    // ---- pause, seek

    public void pause() {
        paused = true;
        wakeup.signal();
        LOG.info("Paused consumer {} of queue {}", config.consumer(), config.queue());
    }

    public void resume() {
        paused = false;
        wakeup.signal();
        LOG.info("Resumed consumer {} of queue {}", config.consumer(), config.queue());
    }

    public boolean isPaused() {
        return paused;
    }

    /** Moves the position; on a running consumer a consumer thread does it between batches, and this waits. */
    public void seek(ConsumerPosition position) {
        if (state != ServiceState.RUNNING) {
            reposition(position);
            return;
        }
        SeekRequest request = new SeekRequest(position, new CompletableFuture<>());
        SeekRequest previous = pendingSeek.getAndSet(request);
        if (previous != null) {
            previous.done().completeExceptionally(new PgqException("superseded by a later seek", config.queue(),
                    config.consumer(), null));
        }
        wakeup.signal();
        try {
            request.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgqException("Interrupted while waiting for the seek to " + position, config.queue(),
                    config.consumer(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new PgqException("Seek failed", config.queue(), config.consumer(), e.getCause());
        }
    }

    boolean hasPendingSeek() {
        return pendingSeek.get() != null;
    }

    void applyPendingSeek() {
        SeekRequest request = pendingSeek.getAndSet(null);
        if (request != null) {
            try {
                reposition(request.position());
                request.done().complete(null);
            } catch (RuntimeException e) {
                request.done().completeExceptionally(e);
            }
        }
    }

    private void reposition(ConsumerPosition position) {
        admin.registerConsumer(config.queue(), config.consumer(), position);
        LOG.info("Consumer {} of queue {} moved to the {} position", config.consumer(), config.queue(),
                position.text());
    }

    private void failPendingSeek() {
        SeekRequest request = pendingSeek.getAndSet(null);
        if (request != null) {
            request.done().completeExceptionally(new PgqException("The consumer stopped before the seek was applied",
                    config.queue(), config.consumer(), null));
        }
    }

    // ---- one batch on the caller's thread

    /** Processes at most one batch on the calling thread; empty when there was none. Only before start. */
    public OptionalInt runOnce() {
        synchronized (this) {
            if (state != ServiceState.NEW) {
                throw new IllegalStateException("runOnce is for consumers that are not started; this one is " + state
                        + ctx.where());
            }
            prepare();
        }
        String member = config.isGroup() ? config.memberName(1) : null;
        ConsumerLease.Grant grant = member == null ? takeLeaseOnce() : null;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            Poller.Result next = poller.next(c, member);
            if (next.batchId() == null) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(new BatchRun(ctx, c, next.batchId(), member, null, () -> false, lease, grant).run());
        } catch (SQLException e) {
            ctx.metrics().error();
            throw Errors.translate(e, "Processing a batch", config.queue(), config.consumer());
        } finally {
            if (lease != null) {
                lease.release();
            }
        }
    }

    /** runOnce takes the lease for one batch; it does not wait for another instance to stop. */
    private ConsumerLease.Grant takeLeaseOnce() {
        try {
            ConsumerLease.Grant grant = lease.step();
            if (grant == null) {
                throw new PgqException("Another instance holds consumer " + config.consumer() + " on queue "
                        + config.queue() + " (see the 'Standing by' line); runOnce does not wait: stop that instance "
                        + "or let its lease run out (" + Check.duration(config.sessionTimeout()) + ")", config.queue(),
                        config.consumer(), null);
            }
            return grant;
        } catch (SQLException e) {
            throw Errors.translate(e, "Taking the consumer's lease", config.queue(), config.consumer());
        }
    }

    // ---- for the members

    boolean isStopping() {
        return stopping;
    }

    boolean isAborting() {
        return aborting;
    }

    Wakeup wakeup() {
        return wakeup;
    }

    Poller poller() {
        return poller;
    }

    GroupView groupView() {
        return groupView;
    }

    Heartbeats heartbeats() {
        return heartbeats;
    }

    /** A plain consumer's lease; {@code null} for a group. */
    ConsumerLease lease() {
        return lease;
    }

    /** The database refused a batch under {@code grant}: drop it and look at the lease at once. */
    void leaseLost(ConsumerLease.Grant grant, String why) {
        lease.lost(grant, why);
        if (leaseLoop != null) {
            leaseLoop.nudge();
        }
    }

    DataSource dataSource() {
        return dataSource;
    }
}
