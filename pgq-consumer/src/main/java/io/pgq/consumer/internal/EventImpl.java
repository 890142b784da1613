package io.pgq.consumer.internal;

import java.sql.Connection;

/** An event of a plain consumer's batch handed to a handler. Not thread-safe. */
final class EventImpl<T> extends AbstractEvent<T> {

    private final BatchContext batch;

    EventImpl(RawEvent raw, T payload, BatchContext batch) {
        super(raw, payload);
        this.batch = batch;
    }

    @Override
    public int retryCount() {
        return raw().retry();
    }

    @Override
    public long batchId() {
        return batch.batchId();
    }

    @Override
    public String queue() {
        return batch.queue();
    }

    @Override
    public String consumer() {
        return batch.consumer();
    }

    @Override
    public Connection connection() {
        return batch.transaction().forHandler();
    }
}
