package io.pgq.consumer;

import io.pgq.core.TopicRouting;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Configuration of a {@link TopicConsumer}: a member of group {@code group} on topic
 * {@code topic}. Immutable; built and validated by {@link #builder(String, String)}.
 *
 * <p>Memory: a member holds at most {@link #threads()} x {@link #fetchSize()} events at a time,
 * however many partitions it owns.
 */
public final class TopicConsumerConfig {

    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_THREADS = 4;
    public static final int DEFAULT_FETCH_SIZE = 500;
    /** Suffix of the default dead-letter queue: {@code <topic>.dlq}. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_.:\\-]{1,128}");

    private final String topic;
    private final String group;
    private final String memberId;
    private final Duration sessionTimeout;
    private final Duration heartbeatInterval;
    private final Duration pollInterval;
    private final boolean listen;
    private final Duration shutdownTimeout;
    private final int threads;
    private final int keyConcurrency;
    private final int fetchSize;
    private final RetryPolicy retryPolicy;
    private final String deadLetterQueue;
    private final DeliveryMode deliveryMode;

    private TopicConsumerConfig(Builder b) {
        this.topic = b.topic;
        this.group = b.group;
        this.memberId = b.memberId != null ? b.memberId : defaultMemberId();
        this.sessionTimeout = b.sessionTimeout;
        this.heartbeatInterval = b.heartbeatInterval;
        this.pollInterval = b.pollInterval;
        this.listen = b.listen;
        this.shutdownTimeout = b.shutdownTimeout;
        this.threads = b.threads;
        this.keyConcurrency = b.keyConcurrency;
        this.fetchSize = b.fetchSize;
        this.retryPolicy = b.retryPolicy;
        this.deadLetterQueue = b.deadLetterQueue != null ? b.deadLetterQueue : b.topic + DEAD_LETTER_SUFFIX;
        this.deliveryMode = b.deliveryMode;
    }

    public static Builder builder(String topic, String group) {
        return new Builder(topic, group);
    }

    private static String defaultMemberId() {
        return ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String topic() {
        return topic;
    }

    public String group() {
        return group;
    }

    /** This member's id in the group: unique per running member (default: {@code pid@host-<random>}). */
    public String memberId() {
        return memberId;
    }

    /** A member without a heartbeat for this long loses its partitions. */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How long an idle partition waits before it looks for a batch again. */
    public Duration pollInterval() {
        return pollInterval;
    }

    /**
     * Whether the member LISTENs on {@code pgq_tick} to look at a partition as soon as the ticker
     * ticked it (default true); polling every {@link #pollInterval()} stays the fallback (behind
     * a pooler in transaction mode notifications do not arrive). Costs one connection per member.
     */
    public boolean listen() {
        return listen;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Worker threads: how many of the member's partitions are handled at the same time. */
    public int threads() {
        return threads;
    }

    /** Threads per partition for events of different keys (1: one event at a time). */
    public int keyConcurrency() {
        return keyConcurrency;
    }

    /** Events read per round trip. */
    public int fetchSize() {
        return fetchSize;
    }

    /** Ordered retries: attempts and backoff of a failing event, which blocks its partition (or key). */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Where events go after their last attempt (default {@code <topic>.dlq}). */
    public String deadLetterQueue() {
        return deadLetterQueue;
    }

    public DeliveryMode deliveryMode() {
        return deliveryMode;
    }

    @Override
    public String toString() {
        return "TopicConsumerConfig{topic=" + topic + ", group=" + group + ", memberId=" + memberId
                + ", sessionTimeout=" + sessionTimeout + ", heartbeatInterval=" + heartbeatInterval
                + ", pollInterval=" + pollInterval + ", listen=" + listen + ", threads=" + threads + ", keyConcurrency=" + keyConcurrency
                + ", fetchSize=" + fetchSize + ", retryPolicy=" + retryPolicy + ", deadLetterQueue=" + deadLetterQueue
                + ", deliveryMode=" + deliveryMode + ", shutdownTimeout=" + shutdownTimeout + "}";
    }

    /** Builds a {@link TopicConsumerConfig}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final String topic;
        private final String group;
        private String memberId;
        private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private boolean listen = true;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private int threads = DEFAULT_THREADS;
        private int keyConcurrency = 1;
        private int fetchSize = DEFAULT_FETCH_SIZE;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private String deadLetterQueue;
        private DeliveryMode deliveryMode = DeliveryMode.AT_LEAST_ONCE;

        private Builder(String topic, String group) {
            this.topic = topic;
            this.group = group;
        }

        public Builder memberId(String memberId) {
            this.memberId = memberId;
            return this;
        }

        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = timeout;
            return this;
        }

        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        public Builder pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        /** LISTEN on {@code pgq_tick} for the ticker's notifications (default true). */
        public Builder listen(boolean listen) {
            this.listen = listen;
            return this;
        }

        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder keyConcurrency(int n) {
            this.keyConcurrency = n;
            return this;
        }

        public Builder fetchSize(int n) {
            this.fetchSize = n;
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = policy;
            return this;
        }

        public Builder deadLetterQueue(String queue) {
            this.deadLetterQueue = queue;
            return this;
        }

        public Builder deliveryMode(DeliveryMode mode) {
            this.deliveryMode = mode;
            return this;
        }

        public TopicConsumerConfig build() {
            TopicRouting.checkTopicName(topic);
            if (group == null || !GROUP.matcher(group).matches()) {
                throw new IllegalArgumentException("invalid group name '" + group
                        + "': use 1 to 128 letters, digits, '_', '.', '-' or ':'");
            }
            if (memberId != null && (memberId.isEmpty() || memberId.length() > 200)) {
                throw new IllegalArgumentException("memberId must have 1 to 200 characters, was '" + memberId + "'");
            }
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(deliveryMode, "deliveryMode");
            positive("sessionTimeout", sessionTimeout);
            positive("heartbeatInterval", heartbeatInterval);
            positive("pollInterval", pollInterval);
            positive("shutdownTimeout", shutdownTimeout);
            if (sessionTimeout.compareTo(Duration.ofMillis(100)) < 0 || sessionTimeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("sessionTimeout must be between 100 ms and 1 hour, was " + sessionTimeout);
            }
            if (heartbeatInterval.multipliedBy(3).compareTo(sessionTimeout) > 0) {
                throw new IllegalArgumentException("heartbeatInterval must be at most a third of sessionTimeout (so that "
                        + "one lost heartbeat does not cost the partitions), was " + heartbeatInterval + " with sessionTimeout "
                        + sessionTimeout);
            }
            atLeastOne("threads", threads);
            atLeastOne("keyConcurrency", keyConcurrency);
            atLeastOne("fetchSize", fetchSize);
            if (deliveryMode == DeliveryMode.EXACTLY_ONCE && keyConcurrency > 1) {
                throw new IllegalArgumentException("keyConcurrency " + keyConcurrency + " cannot be combined with "
                        + "EXACTLY_ONCE: its progress is one position per partition; use keyConcurrency 1 or more partitions");
            }
            if (deadLetterQueue != null && deadLetterQueue.isBlank()) {
                throw new IllegalArgumentException("deadLetterQueue must not be blank");
            }
            return new TopicConsumerConfig(this);
        }

        private static void positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
        }

        private static void atLeastOne(String name, int n) {
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + n);
            }
        }
    }
}
