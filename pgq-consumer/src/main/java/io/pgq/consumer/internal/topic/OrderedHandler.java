package io.pgq.consumer.internal.topic;

import io.pgq.consumer.DeliveryMode;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.RetryPolicy;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.consumer.internal.DeadLetterCodec;
import io.pgq.consumer.internal.RawEvent;
import io.pgq.consumer.internal.Routes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one event of a partition until it is done or dead-lettered: a failure is retried in
 * place after the retry policy's backoff while everything after it in the partition (or, with
 * key concurrency, of its key) waits; after the last attempt the event goes to the dead-letter
 * queue and the partition moves on. In exactly-once mode each attempt is one transaction with
 * the handler's writes and the partition's progress. Thread-safe (no state of its own).
 */
final class OrderedHandler {

    private static final Logger LOG = LoggerFactory.getLogger(OrderedHandler.class);
    private static final int MAX_SHORT_REASON = 200;

    /** The partition's side of handling: identity, progress writes, waits that a rebalance or stop may cut short. */
    interface Partition {
        int partition();

        long epoch();

        String queue();

        /** Called before a retry wait: at-least-once workers save their progress here. */
        void beforeWait() throws SQLException;

        /** Waits {@code delay}; false when the wait was cut short (stop, revoke, lease lost). */
        boolean await(Duration delay);
    }

    private final TopicConsumerConfig config;
    private final DataSource dataSource;
    private final TopicSql sql;
    private final Routes routes;
    private final Clock clock;
    private final TopicMetrics metrics;

    OrderedHandler(TopicConsumerConfig config, DataSource dataSource, TopicSql sql, Routes routes, Clock clock,
                   TopicMetrics metrics) {
        this.config = config;
        this.dataSource = dataSource;
        this.sql = sql;
        this.routes = routes;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Handles {@code e} of batch {@code batchId}; false when cut short before it was done. */
    boolean handle(RawEvent e, long batchId, Partition p) throws SQLException {
        Routes.Route route = routes.route(e.type());
        if (route == null) {
            deadLetter(e, batchId, p, "no handler for event type '" + e.type() + "'");
            return true;
        }
        Object payload;
        try {
            payload = route.decode(e);
        } catch (java.io.IOException ex) {
            deadLetter(e, batchId, p, "malformed payload: cannot decode it as " + route.payloadClass().getName() + ": "
                    + ex.getMessage());
            return true;
        }
        RetryPolicy policy = config.retryPolicy();
        for (int failed = 0; ; ) {
            Attempt a = attempt(route, e, payload, batchId, p, failed);
            if (a.outcome() instanceof Outcome.Done && a.failure() == null) {
                metrics.events.mark();
                return true;
            }
            if (a.outcome() instanceof Outcome.ToDeadLetters d) {
                deadLetter(e, batchId, p, d.reason());
                return true;
            }
            failed++;
            String why = a.failure() != null ? a.failure().getClass().getName() + ": " + a.failure().getMessage()
                    : "the handler asked for a retry";
            if (a.failure() != null && !policy.isRetriable(a.failure())) {
                deadLetter(e, batchId, p, "not retriable: " + why);
                return true;
            }
            if (!policy.hasAttemptsLeft(failed)) {
                deadLetter(e, batchId, p, "failed " + failed + " of " + policy.maxAttempts() + " attempts, last: " + why);
                return true;
            }
            Duration delay = a.outcome() instanceof Outcome.Retry r && r.delay() != null ? r.delay() : policy.delay(failed);
            LOG.debug("Event {} of {} (group {}) failed attempt {}; retrying in place after {}: {}", e.id(), p.queue(),
                    config.group(), failed, delay, why);
            p.beforeWait();
            if (!p.await(delay)) {
                return false;
            }
        }
    }

    private record Attempt(Outcome outcome, Throwable failure) {
    }

    private Attempt attempt(Routes.Route route, RawEvent e, Object payload, long batchId, Partition p, int failed)
            throws SQLException {
        if (config.deliveryMode() != DeliveryMode.EXACTLY_ONCE) {
            return call(route, new TopicEvent<>(e, payload, batchId, p.queue(), config.group(), failed, null));
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Attempt a = call(route, new TopicEvent<>(e, payload, batchId, p.queue(), config.group(), failed,
                        HandlerConnection.guard(c)));
                if (a.outcome() instanceof Outcome.Done && a.failure() == null) {
                    sql.saveProgress(c, p.partition(), p.epoch(), batchId, e.id());
                    c.commit();
                } else {
                    c.rollback();
                }
                return a;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static Attempt call(Routes.Route route, TopicEvent<Object> event) {
        try {
            Outcome o = route.handler().handle(event);
            return o == null ? new Attempt(null, new IllegalStateException("the handler returned null")) : new Attempt(o, null);
        } catch (Exception ex) {
            return new Attempt(null, ex);
        }
    }

    /** Writes the dead letter; in exactly-once mode together with the partition's progress. */
    private void deadLetter(RawEvent e, long batchId, Partition p, String reason) throws SQLException {
        LOG.warn("Event {} of {} (group {}, member {}) goes to dead-letter queue {}: {}", e.id(), p.queue(), config.group(),
                config.memberId(), config.deadLetterQueue(), reason);
        String envelope = DeadLetterCodec.encode(e, p.queue(), config.group(), reason, clock.instant());
        String shortReason = reason.length() <= MAX_SHORT_REASON ? reason : reason.substring(0, MAX_SHORT_REASON - 3) + "...";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                sql.deadLetter(c, config.deadLetterQueue(), p.queue(), e, envelope, shortReason);
                if (config.deliveryMode() == DeliveryMode.EXACTLY_ONCE) {
                    sql.saveProgress(c, p.partition(), p.epoch(), batchId, e.id());
                }
                c.commit();
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            } finally {
                c.setAutoCommit(true);
            }
        }
        metrics.events.mark();
        metrics.deadLetters.mark();
    }
}
