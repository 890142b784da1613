package io.pgq.consumer;

import io.pgq.core.ConsumerPosition;
import io.pgq.core.internal.Check;
import io.pgq.core.internal.Names;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link PgqConsumer}: which queue and consumer (or group), how events are
 * retried and dead-lettered, and how the consumer waits for work. Immutable; built by a
 * {@link Builder} that rejects invalid or contradictory settings in {@link Builder#build()},
 * naming the setting, the bound and the value. Thread-safe.
 *
 * <pre>{@code
 * ConsumerConfig config = ConsumerConfig.builder("orders", "billing")
 *         .retryPolicy(RetryPolicy.builder().maxAttempts(3).build())
 *         .groupMembers(4)                      // a consumer group: 4 member threads in this JVM
 *         .build();
 * }</pre>
 */
public final class ConsumerConfig {

    /** Events read from the batch's cursor per round trip. */
    public static final int DEFAULT_FETCH_SIZE = 2000;
    /** Longest wait between two looks for a batch when no tick notification arrives. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /**
     * A group member not seen for this long is dead: another member takes its batch over. For a
     * plain consumer, the lease time: a standby instance takes over after this long without renewal.
     */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(30);
    /** How long {@link PgqConsumer#close()} waits for the batches in hand. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** Longest pause after repeated errors (database down, ...); the pause doubles from 1 s up to this. */
    public static final Duration DEFAULT_MAX_ERROR_BACKOFF = Duration.ofSeconds(30);
    /** After failing this long the consumer logs one ERROR and reports itself unhealthy. */
    public static final Duration DEFAULT_UNHEALTHY_AFTER = Duration.ofSeconds(60);
    /** Suffix of the default dead-letter queue name: {@code <queue>.dlq}. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private final String queue;
    private final String consumer;
    private final DeliveryMode deliveryMode;
    private final RetryPolicy retryPolicy;
    private final String deadLetterQueue;
    private final boolean createDeadLetterQueue;
    private final boolean strictTypes;
    private final int fetchSize;
    private final Duration pollInterval;
    private final boolean listen;
    private final boolean registerIfMissing;
    private final ConsumerPosition startPosition;
    private final Integer batchMinCount;
    private final Duration batchMinInterval;
    private final Duration batchMinLag;
    private final int groupMembers;
    private final String memberId;
    private final Duration sessionTimeout;
    private final Duration heartbeatInterval;
    private final Duration shutdownTimeout;
    private final Duration maxErrorBackoff;
    private final Duration unhealthyAfter;

    private ConsumerConfig(Builder b) {
        this.queue = b.queue;
        this.consumer = b.consumer;
        this.deliveryMode = b.deliveryMode;
        this.retryPolicy = b.retryPolicy;
        this.deadLetterQueue = b.deadLetterQueue != null ? b.deadLetterQueue : b.queue + DEAD_LETTER_SUFFIX;
        this.createDeadLetterQueue = b.createDeadLetterQueue;
        this.strictTypes = b.strictTypes;
        this.fetchSize = b.fetchSize;
        this.pollInterval = b.pollInterval;
        this.listen = b.listen;
        this.registerIfMissing = b.registerIfMissing;
        this.startPosition = b.startPosition;
        this.batchMinCount = b.batchMinCount;
        this.batchMinInterval = b.batchMinInterval;
        this.batchMinLag = b.batchMinLag;
        this.groupMembers = b.groupMembers;
        this.memberId = b.memberId != null ? b.memberId : defaultMemberId();
        this.sessionTimeout = b.sessionTimeout;
        this.heartbeatInterval = b.heartbeatInterval != null ? b.heartbeatInterval : b.sessionTimeout.dividedBy(3);
        this.shutdownTimeout = b.shutdownTimeout;
        this.maxErrorBackoff = b.maxErrorBackoff;
        this.unhealthyAfter = b.unhealthyAfter;
    }

    /** Settings for consumer {@code consumer} (for a group: the group name) of {@code queue}. */
    public static Builder builder(String queue, String consumer) {
        return new Builder(queue, consumer);
    }

    public String queue() {
        return queue;
    }

    /** The consumer name; for a group the group name (members are {@code <consumer>.<member>}). */
    public String consumer() {
        return consumer;
    }

    public DeliveryMode deliveryMode() {
        return deliveryMode;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Name of the pgq queue that receives dead letters (default {@code <queue>.dlq}). */
    public String deadLetterQueue() {
        return deadLetterQueue;
    }

    /** Whether {@link PgqConsumer#start()} creates the dead-letter queue when it is missing (default true). */
    public boolean createDeadLetterQueue() {
        return createDeadLetterQueue;
    }

    /** Whether events of a type without a handler are dead letters (true) or skipped (false, default). */
    public boolean strictTypes() {
        return strictTypes;
    }

    public int fetchSize() {
        return fetchSize;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    /** Whether the consumer LISTENs on {@code pgq_tick} to wake up as soon as the ticker ticked (default true). */
    public boolean listen() {
        return listen;
    }

    /** Whether {@link PgqConsumer#start()} registers a missing consumer at {@link #startPosition()} (default true). */
    public boolean registerIfMissing() {
        return registerIfMissing;
    }

    public ConsumerPosition startPosition() {
        return startPosition;
    }

    /** {@code next_batch_custom}'s {@code min_count}, or {@code null}. */
    public Integer batchMinCount() {
        return batchMinCount;
    }

    /** {@code next_batch_custom}'s {@code min_interval}, or {@code null}. */
    public Duration batchMinInterval() {
        return batchMinInterval;
    }

    /** {@code next_batch_custom}'s {@code min_lag}, or {@code null}. */
    public Duration batchMinLag() {
        return batchMinLag;
    }

    /** Whether this is a consumer group ({@link #groupMembers()} above 0). */
    public boolean isGroup() {
        return groupMembers > 0;
    }

    /** Member threads of the group in this JVM; 0 for a plain consumer (one thread). */
    public int groupMembers() {
        return groupMembers;
    }

    /**
     * This JVM's member id; a group's members are {@code <memberId>-1 .. <memberId>-<groupMembers>},
     * a plain consumer's lease owner is {@code <memberId>/<random>}.
     */
    public String memberId() {
        return memberId;
    }

    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    public Duration maxErrorBackoff() {
        return maxErrorBackoff;
    }

    /** After failing this long the consumer logs one ERROR and {@link PgqConsumer#isHealthy()} turns false. */
    public Duration unhealthyAfter() {
        return unhealthyAfter;
    }

    /** The subconsumer name of member {@code n} (1-based): {@code <memberId>-<n>}. */
    public String memberName(int n) {
        return memberId + "-" + n;
    }

    /** One line for the log. */
    @Override
    public String toString() {
        return "ConsumerConfig{queue=" + queue + ", consumer=" + consumer + ", deliveryMode=" + deliveryMode
                + ", retryPolicy=" + retryPolicy + ", deadLetterQueue=" + deadLetterQueue
                + ", createDeadLetterQueue=" + createDeadLetterQueue + ", strictTypes=" + strictTypes
                + ", fetchSize=" + fetchSize + ", pollInterval=" + pollInterval + ", listen=" + listen
                + ", registerIfMissing=" + registerIfMissing + ", startPosition=" + startPosition.text()
                + ", batchMinCount=" + batchMinCount + ", batchMinInterval=" + batchMinInterval
                + ", batchMinLag=" + batchMinLag
                + (isGroup() ? ", groupMembers=" + groupMembers : "") + ", memberId=" + memberId + ", sessionTimeout="
                + sessionTimeout + ", heartbeatInterval=" + heartbeatInterval
                + ", shutdownTimeout=" + shutdownTimeout + ", maxErrorBackoff=" + maxErrorBackoff
                + ", unhealthyAfter=" + unhealthyAfter + "}";
    }

    static String defaultMemberId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception | Error e) {
            host = "host";
        }
        String clean = host.replaceAll("[^A-Za-z0-9_-]", "_");
        clean = clean.length() > 40 ? clean.substring(0, 40) : clean;
        return clean + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    /** Collects settings; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private final String queue;
        private final String consumer;
        private DeliveryMode deliveryMode = DeliveryMode.AT_LEAST_ONCE;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private String deadLetterQueue;
        private boolean createDeadLetterQueue = true;
        private boolean strictTypes;
        private int fetchSize = DEFAULT_FETCH_SIZE;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private boolean listen = true;
        private boolean registerIfMissing = true;
        private ConsumerPosition startPosition = ConsumerPosition.latest();
        private Integer batchMinCount;
        private Duration batchMinInterval;
        private Duration batchMinLag;
        private int groupMembers;
        private String memberId;
        private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
        private Duration heartbeatInterval;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration maxErrorBackoff = DEFAULT_MAX_ERROR_BACKOFF;
        private Duration unhealthyAfter = DEFAULT_UNHEALTHY_AFTER;

        private Builder(String queue, String consumer) {
            this.queue = queue;
            this.consumer = consumer;
        }

        /** {@link DeliveryMode#AT_LEAST_ONCE} (default) or {@link DeliveryMode#EXACTLY_ONCE}. */
        public Builder deliveryMode(DeliveryMode mode) {
            this.deliveryMode = Objects.requireNonNull(mode, "deliveryMode");
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        /** The pgq queue for dead letters (default {@code <queue>.dlq}). */
        public Builder deadLetterQueue(String queueName) {
            this.deadLetterQueue = Objects.requireNonNull(queueName, "deadLetterQueue");
            return this;
        }

        /** Create the dead-letter queue on start when missing (default true; needs the right to create queues). */
        public Builder createDeadLetterQueue(boolean create) {
            this.createDeadLetterQueue = create;
            return this;
        }

        /** Dead-letter events of a type without a handler instead of skipping them (default false). */
        public Builder strictTypes(boolean strict) {
            this.strictTypes = strict;
            return this;
        }

        /** Events per FETCH from the batch's cursor, 1 to 100,000 (default 2000): bounds the memory per batch. */
        public Builder fetchSize(int events) {
            this.fetchSize = events;
            return this;
        }

        /** Longest wait between looks for a batch when no notification arrives, 10 ms to 1 h (default 1 s). */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = Objects.requireNonNull(interval, "pollInterval");
            return this;
        }

        /** LISTEN on {@code pgq_tick} for the ticker's notifications (default true). */
        public Builder listen(boolean listen) {
            this.listen = listen;
            return this;
        }

        /** Register the consumer on start when it is not registered (default true, at {@link #startPosition}). */
        public Builder registerIfMissing(boolean register) {
            this.registerIfMissing = register;
            return this;
        }

        /** Where a newly registered consumer starts (default {@link ConsumerPosition#latest()}). */
        public Builder startPosition(ConsumerPosition position) {
            this.startPosition = Objects.requireNonNull(position, "startPosition");
            return this;
        }

        /** Merge ticks until a batch holds about this many events ({@code next_batch_custom}'s min_count). */
        public Builder batchMinCount(int events) {
            this.batchMinCount = events;
            return this;
        }

        /** Merge ticks until a batch spans this much time ({@code next_batch_custom}'s min_interval). */
        public Builder batchMinInterval(Duration interval) {
            this.batchMinInterval = Objects.requireNonNull(interval, "batchMinInterval");
            return this;
        }

        /** Only take batches whose end tick is at least this old ({@code next_batch_custom}'s min_lag). */
        public Builder batchMinLag(Duration lag) {
            this.batchMinLag = Objects.requireNonNull(lag, "batchMinLag");
            return this;
        }

        /**
         * Makes the consumer a group with this many member threads in this JVM (1 to 256);
         * members of the same group may run in other JVMs too.
         */
        public Builder groupMembers(int members) {
            this.groupMembers = members;
            return this;
        }

        /**
         * This JVM's member id (default {@code <host>-<pid>}). Give a stable id to let a restarted
         * process continue its own open batches at once instead of after the session timeout. For
         * a plain consumer it names the lease owner (with a random part per instance).
         */
        public Builder memberId(String id) {
            this.memberId = Objects.requireNonNull(id, "memberId");
            return this;
        }

        /**
         * A member not seen for this long is dead and its batch is taken over (100 ms to 1 h,
         * default 30 s). For a plain consumer the lease time: a standby instance takes over after
         * this long without renewal (see docs/consuming.md, "Running a second instance").
         */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = Objects.requireNonNull(timeout, "sessionTimeout");
            return this;
        }

        /**
         * How often a member busy with a batch shows it is alive, and how often a plain consumer
         * renews its lease (default a third of the session timeout).
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Objects.requireNonNull(interval, "heartbeatInterval");
            return this;
        }

        /** How long {@link PgqConsumer#close()} waits for batches in hand (default 30 s). */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "shutdownTimeout");
            return this;
        }

        /** Longest pause between attempts after repeated errors, 10 ms to 1 h (default 30 s). */
        public Builder maxErrorBackoff(Duration backoff) {
            this.maxErrorBackoff = Objects.requireNonNull(backoff, "maxErrorBackoff");
            return this;
        }

        /** After failing this long the consumer logs one ERROR and reports unhealthy, 1 s to 1 h (default 60 s). */
        public Builder unhealthyAfter(Duration duration) {
            this.unhealthyAfter = Objects.requireNonNull(duration, "unhealthyAfter");
            return this;
        }

        public ConsumerConfig build() {
            Names.queue(queue);
            Names.consumer(consumer);
            if (deadLetterQueue != null) {
                Names.queue(deadLetterQueue);
            } else if ((queue + DEAD_LETTER_SUFFIX).length() > 128) {
                throw new IllegalArgumentException("queue name is too long for the default dead-letter queue name '"
                        + queue + DEAD_LETTER_SUFFIX + "' (at most 128 characters); set deadLetterQueue");
            }
            if (queue.equals(deadLetterQueue)) {
                throw new IllegalArgumentException("deadLetterQueue must differ from queue, got " + deadLetterQueue);
            }
            Check.between("fetchSize", fetchSize, 1, 100_000);
            Check.between("pollInterval", pollInterval, Duration.ofMillis(10), Duration.ofHours(1));
            Check.between("maxErrorBackoff", maxErrorBackoff, Duration.ofMillis(10), Duration.ofHours(1));
            Check.between("unhealthyAfter", unhealthyAfter, Duration.ofSeconds(1), Duration.ofHours(1));
            Check.notNegative("shutdownTimeout", shutdownTimeout);
            if (batchMinCount != null) {
                Check.atLeast("batchMinCount", batchMinCount, 1);
            }
            Check.positive("batchMinInterval", batchMinInterval);
            Check.positive("batchMinLag", batchMinLag);
            validateGroup();
            return new ConsumerConfig(this);
        }

        private void validateGroup() {
            Check.between("sessionTimeout", sessionTimeout, Duration.ofMillis(100), Duration.ofHours(1));
            if (heartbeatInterval != null) {
                Check.between("heartbeatInterval", heartbeatInterval, Duration.ofMillis(10), Duration.ofHours(1));
                if (heartbeatInterval.compareTo(sessionTimeout) >= 0) {
                    throw new IllegalArgumentException("heartbeatInterval must be shorter than sessionTimeout ("
                            + Check.duration(sessionTimeout) + "), got " + Check.duration(heartbeatInterval));
                }
            }
            String id = memberId != null ? memberId : defaultMemberId();
            if (!id.matches("[A-Za-z0-9_:\\-]{1,64}")) {
                throw new IllegalArgumentException("memberId must be 1 to 64 letters, digits, '_', ':' or '-', got '"
                        + id + "'");
            }
            if (groupMembers == 0) {
                return;
            }
            Check.between("groupMembers", groupMembers, 0, 256);
            String longest = consumer + "." + id + "-" + groupMembers;
            if (longest.length() > 128) {
                throw new IllegalArgumentException("consumer name plus memberId are too long: subconsumer '" + longest
                        + "' has more than 128 characters");
            }
        }



    }
}
