package io.pgq.consumer.internal.topic;

import io.pgq.consumer.Event;
import io.pgq.consumer.internal.RawEvent;
import java.sql.Connection;
import java.time.Instant;

/**
 * An event of a topic's partition handed to a handler. {@link #retryCount()} counts the
 * attempts in place so far (ordered retries do not re-insert the event). Not thread-safe.
 */
final class TopicEvent<T> implements Event<T> {

    private final RawEvent raw;
    private final T payload;
    private final long batchId;
    private final String queue;
    private final String group;
    private final int failedAttempts;
    private final Connection connection;

    TopicEvent(RawEvent raw, T payload, long batchId, String queue, String group, int failedAttempts, Connection connection) {
        this.raw = raw;
        this.payload = payload;
        this.batchId = batchId;
        this.queue = queue;
        this.group = group;
        this.failedAttempts = failedAttempts;
        this.connection = connection;
    }

    @Override
    public long id() {
        return raw.id();
    }

    @Override
    public String type() {
        return raw.type();
    }

    @Override
    public T payload() {
        return payload;
    }

    @Override
    public String data() {
        return raw.data();
    }

    @Override
    public Instant time() {
        return raw.instant();
    }

    @Override
    public long txid() {
        return raw.txid();
    }

    @Override
    public int retryCount() {
        return failedAttempts;
    }

    @Override
    public String extra1() {
        return raw.extra1();
    }

    @Override
    public String extra2() {
        return raw.extra2();
    }

    @Override
    public String extra3() {
        return raw.extra3();
    }

    @Override
    public String extra4() {
        return raw.extra4();
    }

    @Override
    public long batchId() {
        return batchId;
    }

    @Override
    public String queue() {
        return queue;
    }

    @Override
    public String consumer() {
        return group;
    }

    @Override
    public Connection connection() {
        if (connection == null) {
            throw new IllegalStateException("Event.connection() is only available in EXACTLY_ONCE mode (topic consumer of "
                    + "queue " + queue + ", group " + group + ")");
        }
        return connection;
    }
}
