package io.pgq.consumer.internal.topic;

import io.pgq.consumer.internal.AbstractEvent;
import io.pgq.consumer.internal.RawEvent;
import java.sql.Connection;

/**
 * An event of a topic's partition handed to a handler. {@link #retryCount()} counts the
 * attempts in place so far (ordered retries do not re-insert the event). Not thread-safe.
 */
final class TopicEvent<T> extends AbstractEvent<T> {

    private final long batchId;
    private final String queue;
    private final String group;
    private final int failedAttempts;
    private final Connection connection;

    TopicEvent(RawEvent raw, T payload, long batchId, String queue, String group, int failedAttempts, Connection connection) {
        super(raw, payload);
        this.batchId = batchId;
        this.queue = queue;
        this.group = group;
        this.failedAttempts = failedAttempts;
        this.connection = connection;
    }

    @Override
    public int retryCount() {
        return failedAttempts;
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
