package io.pgq.consumer;

import io.pgq.consumer.internal.ConsumerRunner;
import io.pgq.consumer.internal.Routes;
import io.pgq.core.ConsumerPosition;
import io.pgq.core.Health;
import io.pgq.core.Pgq;
import io.pgq.core.service.BackgroundService;
import io.pgq.core.service.ServiceState;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A consumer daemon: takes batches of one queue for one consumer (or consumer group), gives each
 * event to the handler of its {@code ev_type}, applies the outcome (done, retry, dead letter)
 * and finishes the batch. At-least-once by default; exactly-once for handlers that write to the
 * same database ({@link DeliveryMode#EXACTLY_ONCE}). Thread-safe.
 *
 * <pre>{@code
 * PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("orders", "billing").build())
 *         .handler(OrderCreated.class, event -> {
 *             invoices.create(event.payload());
 *             return Outcome.done();
 *         })
 *         .build();
 * consumer.start();
 * ...
 * consumer.close();        // finishes the batch in hand (up to the shutdown timeout)
 * }</pre>
 *
 * <p><b>Threads and connections.</b> {@link #start()} starts one thread per member
 * ({@code pgq-consumer-<queue>-<n>}; one for a plain consumer), which keep the JVM alive until
 * {@link #close()}; a daemon thread that LISTENs for the ticker's notifications
 * ({@code pgq-consumer-<queue>-listener}); for a group a daemon heartbeat thread, for a plain
 * consumer a daemon lease thread ({@code pgq-consumer-<queue>-lease}). Each holds one
 * connection of the client's pool while running: size the pool for {@code members + 2}.
 *
 * <p><b>One instance at a time.</b> Of several instances of one plain consumer (same queue and
 * name, in any processes) one works and the others stand by, logging
 * {@code Standing by: consumer X on queue Q is held by <owner> until <time>}; one takes over
 * when the working instance stops (at once) or dies (after {@link ConsumerConfig#sessionTimeout()}).
 * The batch is finished under the lease in its own transaction, so an instance that lost it never
 * finishes a batch. Groups share the work instead (docs/consuming.md, "Running a second instance").
 *
 * <p><b>Waking up.</b> After each tick the ticker sends {@code NOTIFY pgq_tick, '<queue>'};
 * the consumer wakes at once. Without notifications it looks for a batch every
 * {@link ConsumerConfig#pollInterval()} (default 1 s): an idle consumer makes about one query
 * per second, however many members it has in this JVM.
 *
 * <p><b>Lifecycle.</b> It follows the {@link BackgroundService} contract: built by
 * {@link #builder}, started once, stopped within a timeout saying whether the batches in hand
 * finished; {@link #close()} uses {@link ConsumerConfig#shutdownTimeout()}.
 *
 * <p><b>Errors.</b> Handler failures go through the {@link RetryPolicy}. Anything else (the
 * database is unreachable, a batch cannot be finished) rolls the batch back; it is delivered
 * again. The consumer counts the failure in {@code pgq.consumer.<queue>.<consumer>.errors},
 * logs it with its queue and consumer (WARN when it starts, one ERROR when it has lasted
 * {@link ConsumerConfig#unhealthyAfter()}, INFO on recovery), pauses (1 s doubling up to
 * {@link ConsumerConfig#maxErrorBackoff()}) and continues. Problems found by {@link #start()}
 * are thrown: {@link io.pgq.core.UnknownQueueException}, and
 * {@link io.pgq.core.ConsumerNotRegisteredException} when the consumer is not registered and
 * {@link ConsumerConfig#registerIfMissing()} is off (by default it is registered at
 * {@link ConsumerConfig#startPosition()}). A transient failure while starting (a
 * {@link io.pgq.core.RetriableException}: connection lost, serialization failure) is retried
 * with the same backoff, up to 5 attempts, before it is thrown. Consumers of several queues may
 * start at the same moment: registering the same names (such as the dead-letter queues'
 * {@link DeadLetters#RESEND_CONSUMER}) concurrently is safe.
 */
public final class PgqConsumer implements BackgroundService {

    private final ConsumerConfig config;
    private final ConsumerRunner runner;

    private PgqConsumer(Builder b) {
        this.config = b.config;
        this.runner = new ConsumerRunner(b.pgq, b.config, b.routes.build(), b.groupListener, b.clock);
    }

    /** A consumer with {@code config} on the client {@code pgq} (its pool, ObjectMapper, event types and metrics). */
    public static Builder builder(Pgq pgq, ConsumerConfig config) {
        return new Builder(pgq, config);
    }

    /**
     * Checks the queue and the registration (registering if configured), creates the dead-letter
     * queue if configured, and starts the threads. Once only.
     *
     * @throws io.pgq.core.UnknownQueueException when the queue does not exist
     * @throws io.pgq.core.ConsumerNotRegisteredException when not registered and registerIfMissing is off
     * @throws io.pgq.core.RetriableException when a transient failure lasted through 5 attempts
     */
    @Override
    public void start() {
        runner.start();
    }

    /**
     * Stops taking batches, waits up to {@code timeout} for the batches in hand to finish, then
     * abandons those still running: their transactions are rolled back and they are delivered
     * again (after a restart, or to another group member after the session timeout). Members
     * without a batch leave their group. Returns true if every batch in hand finished.
     */
    @Override
    public boolean stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return runner.stop(timeout);
    }

    /** {@link #stop(Duration)} with {@link ConsumerConfig#shutdownTimeout()}. */
    @Override
    public void close() {
        stop(config.shutdownTimeout());
    }

    @Override
    public ServiceState state() {
        return runner.state();
    }

    /** {@code <queue>/<consumer>}: identifies the consumer in logs and thread names. */
    @Override
    public String name() {
        return config.queue() + "/" + config.consumer();
    }

    /** {@link #health()} says healthy. */
    @Override
    public boolean isHealthy() {
        return runner.isHealthy();
    }

    /**
     * Healthy while running with ticks coming and no consumer thread failing. Unhealthy, with
     * the reason, when not running, when a thread has been failing to get or finish batches for
     * longer than {@link ConsumerConfig#unhealthyAfter()} (the database is unreachable, say), or when events wait and no tick has come for longer than
     * the queue's settings expect: "no ticker seems to run on database host:port/db: ...; start
     * `pgq ticker`". The consumer logs the last at WARN (again every 5 minutes while it lasts)
     * and an INFO when ticks come again. Also the gauge {@code pgq.consumer.<queue>.<consumer>.healthy}.
     */
    public Health health() {
        return runner.health();
    }

    /** Takes no new batch after the batch in hand until {@link #resume()}. A group member that holds no batch may be removed from the group after the session timeout; it rejoins on resume. */
    public void pause() {
        runner.pause();
    }

    public void resume() {
        runner.resume();
    }

    public boolean isPaused() {
        return runner.isPaused();
    }

    /**
     * Moves the consumer (for a group: the group's position) to {@code position}:
     * {@link ConsumerPosition#earliest()}, {@link ConsumerPosition#latest()}, a time or a tick id.
     * On a running consumer this happens between batches (the batch in hand is finished first)
     * and the call waits for it. Registers the consumer if it is not registered.
     */
    public void seek(ConsumerPosition position) {
        runner.seek(Objects.requireNonNull(position, "position"));
    }

    /**
     * Processes at most one batch on the calling thread and returns its number of events, or
     * empty when no batch was ready. For tests and for applications that schedule consuming
     * themselves; only on a consumer that is not started, from one thread at a time. A group
     * consumer works as its first member. A plain consumer takes the lease for the batch and
     * releases it; while another instance holds it, this throws instead of waiting. Errors are
     * thrown ({@link io.pgq.core.PgqException}).
     */
    public OptionalInt runOnce() {
        return runner.runOnce();
    }

    public ConsumerConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "PgqConsumer{queue=" + config.queue() + ", consumer=" + config.consumer() + ", state=" + state() + "}";
    }

    /** Collects handlers; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private final Pgq pgq;
        private final ConsumerConfig config;
        private final Routes.Builder routes;
        private GroupListener groupListener;
        private Clock clock = Clock.systemUTC();

        private Builder(Pgq pgq, ConsumerConfig config) {
            this.pgq = Objects.requireNonNull(pgq, "pgq");
            this.config = Objects.requireNonNull(config, "config");
            this.routes = Routes.builder(pgq.config().objectMapper());
        }

        /** Handles events of the type of {@code payloadClass} ({@code @EventType} or the client's {@code EventTypes}). */
        public <T> Builder handler(Class<T> payloadClass, EventHandler<? super T> handler) {
            return handler(pgq.config().eventTypes().typeOf(Objects.requireNonNull(payloadClass, "payloadClass")),
                    payloadClass, handler);
        }

        /** Handles events of {@code type}, decoding payloads as {@code payloadClass} ({@code String.class}: raw). */
        public <T> Builder handler(String type, Class<T> payloadClass, EventHandler<? super T> handler) {
            routes.add(type, payloadClass, handler);
            return this;
        }

        /** Registers a handler that knows its payload class (and possibly its type). */
        public <T> Builder handler(TypedEventHandler<T> handler) {
            Objects.requireNonNull(handler, "handler");
            String type = handler.eventType();
            return type != null ? handler(type, handler.payloadClass(), handler) : handler(handler.payloadClass(), handler);
        }

        /** Handles events of every type without a handler, with the raw data as payload. */
        public Builder otherwise(EventHandler<String> handler) {
            routes.fallback(handler);
            return this;
        }

        /** Handles whole batches instead of single events (excludes the event handlers). */
        public Builder batchHandler(BatchHandler handler) {
            routes.batchHandler(handler);
            return this;
        }

        /** Hears about joins, leaves and take-overs of a group. */
        public Builder groupListener(GroupListener listener) {
            this.groupListener = Objects.requireNonNull(listener, "groupListener");
            return this;
        }

        /** The clock retries are scheduled with (default UTC system clock); for tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public PgqConsumer build() {
            if (groupListener != null && !config.isGroup()) {
                throw new IllegalArgumentException("a groupListener needs a consumer group: set groupMembers in the "
                        + "ConsumerConfig of consumer '" + config.consumer() + "'");
            }
            return new PgqConsumer(this);
        }
    }
}
