package io.pgq.consumer.internal;

import io.pgq.consumer.ConsumerConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance of a plain consumer may work: at most one per queue and consumer name, the
 * others stand by. On the pgq-java schema the lease row {@code pgq.consumer_lease} (owner,
 * epoch, expiry), taken and renewed by {@link #step()}, released by {@link #release()}, and
 * checked where the batch is finished ({@link LeaseSql#finishBatch}); elsewhere a
 * {@link SessionLock}. The holder's grant is valid locally until the lease time has passed since
 * the start of its last successful renewal. {@link #step()} and {@link #release()} run on one
 * thread at a time (the lease thread, or the caller of {@code runOnce}); {@link #grant()} and
 * {@link #lost} may be called from any thread.
 */
final class ConsumerLease {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLease.class);

    /**
     * The right to finish batches: the lease at {@code epoch} ({@code null} with the session lock,
     * which does not fence). Revoked when the lease is lost; immutable otherwise.
     */
    static final class Grant {
        private final Long epoch;
        private volatile long validUntilNanos;
        private volatile boolean revoked;

        /** @param epoch the lease's epoch, or {@code null} for the session lock, valid until revoked */
        Grant(Long epoch, long validUntilNanos) {
            this.epoch = epoch;
            this.validUntilNanos = validUntilNanos;
        }

        Long epoch() {
            return epoch;
        }

        /** True once this instance knows or must assume that another instance may hold the lease. */
        boolean revoked() {
            return revoked || epoch != null && System.nanoTime() - validUntilNanos >= 0;
        }
    }

    private final ConsumerConfig config;
    private final DataSource dataSource;
    private final String owner;
    private final LeaseSql sql;
    private final SessionLock sessionLock;
    private final Runnable onTaken;
    private volatile Grant grant;
    private String standingBehind;

    /**
     * @param rowLease whether the database has the lease row (pgq-java schema revision 5 and later)
     * @param onTaken  called when this instance takes the lease (wakes the consumer thread)
     */
    ConsumerLease(ConsumerConfig config, DataSource dataSource, boolean rowLease, Runnable onTaken) {
        this.config = config;
        this.dataSource = dataSource;
        this.owner = config.memberId() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.sql = rowLease ? new LeaseSql(config.queue(), config.consumer(), owner) : null;
        this.sessionLock = rowLease ? null : new SessionLock(dataSource, config.queue(), config.consumer());
        this.onTaken = onTaken;
    }

    /** This instance's identity in the lease row: the member id and a random part. */
    String owner() {
        return owner;
    }

    /** Whether the lease is the row (fencing), not the session lock fallback. */
    boolean fences() {
        return sql != null;
    }

    /** The current grant, or {@code null} while standing by (or after the lease ran out). */
    Grant grant() {
        Grant g = grant;
        return g == null || g.revoked() ? null : g;
    }

    /** How long to wait before the next {@link #step()}: the renewal interval while holding. */
    Duration nextStepIn() {
        Duration standby = min(config.pollInterval(), config.heartbeatInterval());
        return grant() != null ? config.heartbeatInterval() : standby;
    }

    /** The database refused to finish a batch under {@code lost}: another instance holds the lease. */
    void lost(Grant lost, String why) {
        if (lost != null && grant == lost) {
            lost.revoked = true;
            grant = null;
            LOG.warn("Lost consumer {} on queue {}: {}; standing by{}", config.consumer(), config.queue(), why, where());
        }
    }

    /** For messages: " (owner o, epoch e)". */
    String describe(Grant g) {
        return " (owner " + owner + (g.epoch != null ? ", epoch " + g.epoch : "") + ")";
    }

    /** Finishes the batch under {@code g}'s lease in the caller's transaction (see {@link LeaseSql#finishBatch}). */
    int finishBatch(Connection c, Grant g, long batchId) throws SQLException {
        return sql.finishBatch(c, g.epoch, batchId);
    }

    /** Takes or renews the lease (or the lock) once; returns the grant held afterwards. */
    Grant step() throws SQLException {
        if (sql == null) {
            return lockStep();
        }
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            LeaseSql.Claim claim = sql.take(c, config.sessionTimeout());
            return claim.epoch() != null ? held(claim, start) : notHeld(claim);
        }
    }

    private Grant held(LeaseSql.Claim claim, long startNanos) {
        long validUntil = startNanos + config.sessionTimeout().toNanos();
        Grant current = grant;
        if (current != null && Objects.equals(current.epoch, claim.epoch()) && !current.revoked) {
            current.validUntilNanos = validUntil;
            return current;
        }
        Grant taken = new Grant(claim.epoch(), validUntil);
        grant = taken;
        announce("epoch " + claim.epoch() + ", until " + claim.until());
        return taken;
    }

    private Grant notHeld(LeaseSql.Claim claim) {
        Grant current = grant;
        if (current != null && owner.equals(claim.holder())) {
            return grant();   // our own batch is being finished and locks the row: still ours
        }
        if (current != null) {
            lost(current, "the lease ran out and " + claim.holder() + " took it over");
        }
        standBy(claim.holder(), String.valueOf(claim.until()));
        return null;
    }

    private Grant lockStep() throws SQLException {
        if (sessionLock.held()) {
            if (sessionLock.tryLock()) {
                return grant;
            }
            lost(grant, "the session holding its advisory lock was lost");
        }
        if (sessionLock.tryLock()) {
            grant = new Grant(null, 0);
            announce("session advisory lock; not safe behind a pooler in transaction mode");
            return grant;
        }
        try (Connection c = dataSource.getConnection()) {
            standBy(sessionLock.holder(c), "it disconnects");
        }
        return null;
    }

    private void announce(String detail) {
        if (standingBehind != null) {
            LOG.info("Took over consumer {} on queue {} from {} ({}){}", config.consumer(), config.queue(),
                    standingBehind, detail, where());
        } else {
            LOG.info("Holding consumer {} on queue {} ({}){}", config.consumer(), config.queue(), detail, where());
        }
        standingBehind = null;
        onTaken.run();
    }

    private void standBy(String holder, String until) {
        if (!holder.equals(standingBehind)) {
            LOG.info("Standing by: consumer {} on queue {} is held by {} until {}{}", config.consumer(), config.queue(),
                    holder, until, where());
        } else {
            LOG.debug("Still standing by: consumer {} on queue {} is held by {} until {}{}", config.consumer(),
                    config.queue(), holder, until, where());
        }
        standingBehind = holder;
    }

    /** Gives the lease up at once, so that a standby takes over at its next try. */
    void release() {
        Grant g = grant;
        grant = null;
        if (g != null) {
            g.revoked = true;
        }
        if (sql == null) {
            sessionLock.close();
            return;
        }
        if (g == null || g.epoch == null) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (sql.release(c, g.epoch)) {
                LOG.info("Released consumer {} on queue {} (epoch {}){}", config.consumer(), config.queue(), g.epoch,
                        where());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not release consumer {} on queue {}; a standby takes over when the lease runs out "
                    + "(within {}){}: {}", config.consumer(), config.queue(), config.sessionTimeout(), where(),
                    e.getMessage());
        }
    }

    private String where() {
        return " (owner: " + owner + ")";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
