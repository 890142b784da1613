package io.pgq.consumer.internal.topic;

import io.pgq.core.service.ServiceState;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.consumer.TopicRebalanceListener;
import io.pgq.consumer.internal.Routes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a group on a topic: its coordinator thread heartbeats every
 * {@link TopicConsumerConfig#heartbeatInterval()}, compares the partitions the database says it
 * owns with its workers, starts a {@link PartitionWorker} for each new lease, asks workers of
 * revoked partitions to hand over, and ends those it lost. If heartbeats fail for a whole
 * session timeout it treats every partition as lost (the database will give them to others).
 * Thread-safe.
 */
public final class TopicMember implements PartitionWorker.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicMember.class);
    /** How long after another member's expiry the next heartbeat comes, so that it is past by then. */
    static final Duration EXPIRY_MARGIN = Duration.ofMillis(10);

    private final TopicConsumerConfig config;
    private final DataSource dataSource;
    private final TopicSql sql;
    private final OrderedHandler handler;
    private final TopicMetrics metrics;
    private final TopicRebalanceListener listener;
    private final Map<Integer, PartitionWorker> workers = new ConcurrentHashMap<>();
    private final Set<Integer> lostByWorkers = ConcurrentHashMap.newKeySet();
    private final Object wake = new Object();
    private final ScheduledExecutorService pool;
    private final ExecutorService keyPool;
    private final Thread coordinator;
    private final PartitionTickListener tickListener;
    private final Thread tickThread;
    private volatile ServiceState state = ServiceState.NEW;
    private volatile boolean stopping;
    private volatile long lastHeartbeatNanos;
    private volatile Duration firstWait;
    private boolean heartbeatFailing;

    public TopicMember(TopicConsumerConfig config, DataSource dataSource, Routes routes, TopicRebalanceListener listener,
                       Clock clock, com.codahale.metrics.MetricRegistry registry, io.pgq.core.QueueAdmin admin) {
        this.config = config;
        this.dataSource = dataSource;
        this.sql = new TopicSql(config.topic(), config.group(), config.memberId(), config.deliveryMode(),
                config.deadLetterQueue());
        this.metrics = new TopicMetrics(registry, admin, config.topic(), config.group(), config.memberId());
        this.handler = new OrderedHandler(config, dataSource, sql, routes, clock, metrics);
        this.listener = listener;
        String prefix = "pgq-topic-" + config.topic();
        ScheduledThreadPoolExecutor workerPool = new ScheduledThreadPoolExecutor(config.threads(), threads(prefix + "-", false));
        workerPool.setRemoveOnCancelPolicy(true);   // a tick cancels a poll wait: do not keep it queued
        this.pool = workerPool;
        this.keyPool = config.keyConcurrency() > 1
                ? Executors.newFixedThreadPool(config.keyConcurrency() * config.threads(), threads(prefix + "-key-", false))
                : null;
        this.coordinator = new Thread(this::coordinate, prefix + "-" + config.group() + "-coordinator");
        this.tickListener = config.listen() ? new PartitionTickListener(dataSource, config.topic(), this::ticked) : null;
        this.tickThread = tickListener == null ? null : threads(prefix + "-" + config.group() + "-listener-", true)
                .newThread(tickListener);
    }

    /** The ticker ticked a partition ({@link PartitionTickListener#ALL}: maybe any): its worker looks now. */
    private void ticked(int partition) {
        if (partition == PartitionTickListener.ALL) {
            workers.values().forEach(PartitionWorker::tick);
            return;
        }
        PartitionWorker w = workers.get(partition);
        if (w != null) {
            w.tick();
        }
    }

    private static ThreadFactory threads(String prefix, boolean daemon) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(daemon);
            return t;
        };
    }

    public ServiceState state() {
        return state;
    }

    /** The partitions this member has workers for now. */
    public Set<Integer> partitions() {
        return new TreeSet<>(workers.keySet());
    }

    /**
     * Joins the group (refused with a {@link io.pgq.consumer.GroupSettingsMismatchException} when
     * this member's settings are not the group's), runs {@code prepare} (leaving the group again if
     * it throws), then starts the workers of the partitions it got and the coordinator.
     */
    public synchronized void start(Runnable prepare) {
        if (state != ServiceState.NEW) {
            throw new IllegalStateException("a topic consumer starts once; it is " + state + " (build a new one)");
        }
        LOG.info("Starting topic consumer with configuration: {}", config);
        List<Lease> leases = join();
        try {
            prepare.run();
        } catch (RuntimeException e) {
            leave();
            throw e;
        }
        lastHeartbeatNanos = System.nanoTime();
        apply(leases);
        metrics.registerPartitions(workers::size);
        state = ServiceState.RUNNING;
        coordinator.start();
        if (tickThread != null) {
            tickThread.start();
        }
    }

    private List<Lease> join() {
        String action = "Joining group '" + config.group() + "' of topic '" + config.topic() + "'";
        try (Connection c = dataSource.getConnection()) {
            List<Lease> leases = sql.heartbeat(autoCommit(c), config.sessionTimeout());
            firstWait = untilNextHeartbeat(sql.nextExpiryOfOthers(c));
            return leases;
        } catch (SQLException e) {
            if (TopicSql.SETTINGS_MISMATCH.equals(e.getSQLState())) {
                String reason = e.getMessage().lines().findFirst().orElse("").replaceFirst("^ERROR: ", "");
                throw new io.pgq.consumer.GroupSettingsMismatchException(action + " was refused: " + reason,
                        config.group(), e);
            }
            throw io.pgq.core.internal.Errors.translate(e, action, null, config.group());
        }
    }

    private void coordinate() {
        Duration next = firstWait;
        while (!Thread.currentThread().isInterrupted()) {
            waitFor(next);
            if (!Thread.currentThread().isInterrupted()) {
                next = heartbeat();
            }
        }
    }

    /** Running, and the last successful heartbeat is younger than the session timeout. */
    public boolean isHealthy() {
        return state == ServiceState.RUNNING
                && System.nanoTime() - lastHeartbeatNanos <= config.sessionTimeout().toNanos();
    }

    /**
     * One heartbeat; returns the time until the next one: the heartbeat interval, or less when
     * another member expires sooner, so that its partitions are taken right after its expiry
     * rather than up to a heartbeat interval later.
     */
    private Duration heartbeat() {
        reportLostByWorkers();
        try (Connection c = dataSource.getConnection()) {
            List<Lease> leases = sql.heartbeat(autoCommit(c), config.sessionTimeout());
            lastHeartbeatNanos = System.nanoTime();
            Duration next = untilNextHeartbeat(sql.nextExpiryOfOthers(c));
            if (heartbeatFailing) {
                LOG.info("Heartbeats of member {} (topic {}, group {}) work again", config.memberId(), config.topic(),
                        config.group());
                heartbeatFailing = false;
            }
            apply(leases);
            return next;
        } catch (SQLException | RuntimeException e) {
            if (!heartbeatFailing) {
                LOG.warn("Heartbeat of member {} (topic {}, group {}) failed; retrying: {}", config.memberId(),
                        config.topic(), config.group(), e.toString());
                heartbeatFailing = true;
            }
            if (System.nanoTime() - lastHeartbeatNanos > config.sessionTimeout().toNanos()) {
                loseAll();
            }
            return config.heartbeatInterval();
        }
    }

    /** The heartbeat interval, or just after the earliest expiry of another member when that comes sooner. */
    Duration untilNextHeartbeat(Duration nextExpiryOfOthers) {
        Duration interval = config.heartbeatInterval();
        if (nextExpiryOfOthers == null) {
            return interval;
        }
        Duration atExpiry = nextExpiryOfOthers.plus(EXPIRY_MARGIN);
        if (atExpiry.compareTo(EXPIRY_MARGIN) < 0) {
            return EXPIRY_MARGIN;   // passed already (clocks, or it expired during this heartbeat): look again shortly
        }
        return atExpiry.compareTo(interval) < 0 ? atExpiry : interval;
    }

    /** Brings the workers in line with the leases the database returned. */
    private synchronized void apply(List<Lease> leases) {
        Map<Integer, Lease> byPartition = new HashMap<>();
        leases.forEach(l -> byPartition.put(l.partition(), l));
        List<Integer> lost = new ArrayList<>();
        for (PartitionWorker w : List.copyOf(workers.values())) {
            Lease l = byPartition.get(w.partition());
            if (w.ended()) {
                continue;
            }
            if (l == null || l.epoch() != w.epoch()) {
                w.markLost();
                workers.remove(w.partition(), w);
                lost.add(w.partition());
            }
        }
        List<PartitionWorker> assigned = new ArrayList<>();
        for (Lease l : leases) {
            PartitionWorker w = workers.get(l.partition());
            if (w != null) {
                if (l.revoke()) {
                    w.requestRevoke();
                }
                continue;
            }
            if (l.revoke() || stopping) {
                releaseIdle(l);
                continue;
            }
            w = new PartitionWorker(l, config, dataSource, sql, handler, pool, keyPool, this);
            workers.put(l.partition(), w);
            assigned.add(w);
        }
        if (!lost.isEmpty() || !assigned.isEmpty()) {
            metrics.rebalances.inc();
            metrics.lost.inc(lost.size());
        }
        metrics.ownPartitions(workers.keySet());
        notifyListener("onPartitionsLost", lost, listener::onPartitionsLost);
        notifyListener("onPartitionsAssigned", assigned.stream().map(PartitionWorker::partition).toList(),
                listener::onPartitionsAssigned);
        assigned.forEach(PartitionWorker::start);
    }

    /** A partition we own without a worker (revoked right away, or we are stopping): release it now. */
    private void releaseIdle(Lease l) {
        try (Connection c = dataSource.getConnection()) {
            sql.release(autoCommit(c), l.partition(), l.epoch());
        } catch (SQLException e) {
            LOG.warn("Releasing partition {} of topic {} (group {}) failed: {}", l.partition(), config.topic(),
                    config.group(), e.toString());
        }
    }

    private synchronized void loseAll() {
        if (workers.isEmpty()) {
            return;
        }
        LOG.warn("Member {} (topic {}, group {}) had no heartbeat for {}: its partitions {} count as lost",
                config.memberId(), config.topic(), config.group(), config.sessionTimeout(), partitions());
        List<Integer> lost = new ArrayList<>();
        for (PartitionWorker w : List.copyOf(workers.values())) {
            w.markLost();
            lost.add(w.partition());
        }
        workers.clear();
        metrics.ownPartitions(Set.of());
        metrics.lost.inc(lost.size());
        notifyListener("onPartitionsLost", lost, listener::onPartitionsLost);
    }

    private void reportLostByWorkers() {
        if (lostByWorkers.isEmpty()) {
            return;
        }
        List<Integer> lost = new ArrayList<>(lostByWorkers);
        lostByWorkers.removeAll(lost);
        metrics.lost.inc(lost.size());
        notifyListener("onPartitionsLost", lost, listener::onPartitionsLost);
    }

    private void notifyListener(String method, Collection<Integer> partitions, Consumer<Collection<Integer>> call) {
        if (partitions.isEmpty()) {
            return;
        }
        LOG.info("Member {} (topic {}, group {}): {} {}", config.memberId(), config.topic(), config.group(), method,
                new TreeSet<>(partitions));
        try {
            call.accept(List.copyOf(new TreeSet<>(partitions)));
        } catch (RuntimeException e) {
            LOG.error("Rebalance listener {} of member {} (topic {}, group {}) threw; going on", method, config.memberId(),
                    config.topic(), config.group(), e);
        }
    }

    @Override
    public void revoked(int partition) {
        notifyListener("onPartitionsRevoked", List.of(partition), listener::onPartitionsRevoked);
    }

    @Override
    public void released(PartitionWorker w) {
        workers.remove(w.partition(), w);
        wakeUp();
    }

    @Override
    public void stopped(PartitionWorker w) {
        wakeUp();
    }

    @Override
    public void lost(PartitionWorker w) {
        if (workers.remove(w.partition(), w)) {
            lostByWorkers.add(w.partition());
        }
        wakeUp();
    }

    private boolean allEnded() {
        return workers.values().stream().allMatch(PartitionWorker::ended);
    }

    private void wakeUp() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void waitFor(Duration d) {
        synchronized (wake) {
            try {
                wake.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }

    /**
     * Stops: each worker finishes its batch in hand, calls {@code onPartitionsRevoked} and ends;
     * then the member leaves, handing its partitions over at once. If workers are still busy at
     * the timeout they are interrupted; a member whose workers did not all end does not leave (its
     * leases expire after the session timeout instead) and this returns false.
     */
    public boolean stop(Duration timeout) {
        synchronized (this) {
            if (state == ServiceState.NEW) {
                state = ServiceState.STOPPED;
                pool.shutdownNow();
                shutdownKeyPool();
                return true;
            }
            if (state == ServiceState.STOPPED) {
                return true;
            }
            state = ServiceState.STOPPING;
            stopping = true;
            workers.values().forEach(PartitionWorker::requestStop);
        }
        wakeUp();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean finished = awaitWorkers(deadline);
        if (!finished) {
            LOG.warn("Member {} (topic {}, group {}): batches of {} still running after {}; interrupting them",
                    config.memberId(), config.topic(), config.group(), partitions(), timeout);
            pool.shutdownNow();
            shutdownKeyPool();
        }
        pool.shutdown();
        boolean ended;
        try {
            ended = pool.awaitTermination(finished ? timeout.toMillis() : 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        shutdownKeyPool();
        if (tickListener != null) {
            tickListener.stop();
        }
        coordinator.interrupt();
        try {
            coordinator.join(5000);
            if (tickThread != null && tickThread.isAlive()) {
                tickThread.join(5000);   // ends within one wait for notifications; before the pool closes
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ended) {
            leave();
        }
        metrics.remove();
        state = ServiceState.STOPPED;
        LOG.info("Stopped member {} (topic {}, group {}){}", config.memberId(), config.topic(), config.group(),
                finished ? "" : " without finishing every batch in hand");
        return finished;
    }

    private boolean awaitWorkers(long deadline) {
        while (!allEnded()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            synchronized (wake) {
                try {
                    wake.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void leave() {
        try (Connection c = dataSource.getConnection()) {
            sql.leave(autoCommit(c));
            workers.clear();
        } catch (SQLException e) {
            LOG.warn("Member {} could not leave group {} of topic {}; its partitions move after the session timeout: {}",
                    config.memberId(), config.group(), config.topic(), e.toString());
        }
    }

    private void shutdownKeyPool() {
        if (keyPool != null) {
            keyPool.shutdownNow();
        }
    }

    private static Connection autoCommit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.setAutoCommit(true);
        }
        return c;
    }
}
