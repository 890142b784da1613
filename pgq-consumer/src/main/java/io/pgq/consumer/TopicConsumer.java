package io.pgq.consumer;

import io.pgq.consumer.internal.Routes;
import io.pgq.consumer.internal.topic.TopicMember;
import io.pgq.core.Pgq;
import io.pgq.core.service.BackgroundService;
import io.pgq.core.service.ServiceState;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A member of a group on a topic (Kafka's group consumer): the group's members, in this JVM and
 * others, share the topic's partitions, each partition owned by one member at a time through a
 * lease with an epoch. Events of a partition are handled in {@code ev_id} order, never two at a
 * time, so events of one key are handled in the order they were sent. Thread-safe.
 *
 * <pre>{@code
 * TopicConsumer member = TopicConsumer.builder(pgq, TopicConsumerConfig.builder("orders", "billing").build())
 *         .handler(OrderCreated.class, event -> {
 *             invoices.create(event.key(), event.payload());
 *             return Outcome.done();
 *         })
 *         .build();
 * member.start();
 * ...
 * member.close();   // finishes the batches in hand, leaves the group: others take over at once
 * }</pre>
 *
 * <p><b>Ordered retries.</b> A failing event (exception or {@link Outcome#retry()}) is retried
 * in place after the {@link RetryPolicy}'s backoff while later events of its partition wait
 * (with {@link TopicConsumerConfig#keyConcurrency()}: later events of its key); after the last
 * attempt it goes to the dead-letter queue ({@link TopicConsumerConfig#deadLetterQueue()}, created
 * at start) and the partition moves on. {@link Event#retryCount()} counts the failed attempts in
 * place. If the partition moves to another member during a retry wait, the new owner starts at
 * the failing event with a fresh attempt count.
 *
 * <p><b>Fencing.</b> A batch is finished (and in exactly-once mode each event is committed) in a
 * transaction that checks the lease's owner and epoch; a member that lost its partition (paused
 * past its session timeout) cannot finish anything of it.
 *
 * <p><b>Threads and connections.</b> A coordinator thread
 * ({@code pgq-topic-<topic>-<group>-coordinator}) heartbeats; {@link TopicConsumerConfig#threads()}
 * worker threads ({@code pgq-topic-<topic>-<n>}) handle the owned partitions, each using one
 * pooled connection at a time (with key concurrency, each of its key threads too): size the pool
 * for {@code threads x keyConcurrency + 2}. Waking up is
 * by polling ({@link TopicConsumerConfig#pollInterval()}), which works behind PgBouncer in
 * transaction mode. Memory: at most {@code threads x fetchSize} events are held.
 *
 * <p><b>Metrics</b> (in the client's registry while running): {@code pgq.topic.<topic>.<group>.<member>.}
 * {@code partitions}, {@code events}, {@code deadLetters}, {@code rebalances}, {@code lost}; lag
 * per partition: {@link io.pgq.core.TopicAdmin#describeGroup}.
 */
public final class TopicConsumer implements BackgroundService {

    private final TopicConsumerConfig config;
    private final Pgq pgq;
    private final TopicMember member;

    private TopicConsumer(Builder b) {
        this.config = b.config;
        this.pgq = b.pgq;
        this.member = new TopicMember(b.config, b.pgq.dataSource(), b.routes.build(), b.listener, b.clock,
                b.pgq.metrics(), b.pgq.admin());
    }

    public static Builder builder(Pgq pgq, TopicConsumerConfig config) {
        return new Builder(pgq, config);
    }

    /**
     * Joins the group (creating it on first use, at the newest position of every partition),
     * creates the dead-letter queue if missing and starts the threads. Once only. The first member
     * of a group records the group's settings (delivery mode, dead-letter queue, session timeout);
     * a member whose settings differ is refused and nothing of it joins.
     *
     * @throws GroupSettingsMismatchException when this member is configured differently from its group
     * @throws io.pgq.core.PgqException when the topic does not exist or the database refuses
     */
    public void start() {
        if (pgq.topics().topic(config.topic()).isEmpty()) {
            throw new io.pgq.core.UnknownTopicException(config.topic(), null);
        }
        member.start(() -> new DeadLetters(pgq).createQueue(config.deadLetterQueue()));
    }

    /**
     * Stops: the batches in hand are finished (up to {@code timeout}; retry waits are cut short,
     * keeping the progress), {@link TopicRebalanceListener#onPartitionsRevoked} is called for each
     * partition and the member leaves the group, so the others take its partitions at once.
     * Returns true if every batch in hand finished in time; otherwise the workers are interrupted
     * and, if some did not end, the member does not leave: its partitions move after the session
     * timeout.
     */
    public boolean stop(Duration timeout) {
        return member.stop(Objects.requireNonNull(timeout, "timeout"));
    }

    /** {@link #stop(Duration)} with {@link TopicConsumerConfig#shutdownTimeout()}. */
    @Override
    public void close() {
        stop(config.shutdownTimeout());
    }

    @Override
    public ServiceState state() {
        return member.state();
    }

    /** {@code <topic>/<group>/<member>}: identifies the member in logs and thread names. */
    @Override
    public String name() {
        return config.topic() + "/" + config.group() + "/" + config.memberId();
    }

    /** Running, and its heartbeats have not been failing for longer than the session timeout. */
    @Override
    public boolean isHealthy() {
        return member.isHealthy();
    }

    /** The partitions this member handles now. */
    public Set<Integer> partitions() {
        return member.partitions();
    }

    public TopicConsumerConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "TopicConsumer{topic=" + config.topic() + ", group=" + config.group() + ", member=" + config.memberId()
                + ", state=" + state() + "}";
    }

    /** Collects handlers and the listener; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private final Pgq pgq;
        private final TopicConsumerConfig config;
        private final Routes.Builder routes;
        private TopicRebalanceListener listener = new TopicRebalanceListener() { };
        private Clock clock = Clock.systemUTC();

        private Builder(Pgq pgq, TopicConsumerConfig config) {
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

        /** Handles events of every type without a handler, with the raw data as payload. */
        public Builder otherwise(EventHandler<String> handler) {
            routes.fallback(handler);
            return this;
        }

        public Builder listener(TopicRebalanceListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The clock dead letters are stamped with; for tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public TopicConsumer build() {
            return new TopicConsumer(this);
        }
    }
}
