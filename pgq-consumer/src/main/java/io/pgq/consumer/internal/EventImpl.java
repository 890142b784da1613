package io.pgq.consumer.internal;

import io.pgq.consumer.Event;
import java.sql.Connection;
import java.time.Instant;

/** An event handed to a handler. Not thread-safe. */
final class EventImpl<T> implements Event<T> {

    private final RawEvent raw;
    private final T payload;
    private final BatchContext batch;
    private String data;

    EventImpl(RawEvent raw, T payload, BatchContext batch) {
        this.raw = raw;
        this.payload = payload;
        this.batch = batch;
    }

    RawEvent raw() {
        return raw;
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
        if (data == null) {
            data = raw.data();
        }
        return data;
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
        return raw.retry();
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

    @Override
    public String toString() {
        return "Event{id=" + raw.id() + ", type=" + raw.type() + ", retryCount=" + raw.retry() + ", batch="
                + batch.batchId() + ", queue=" + batch.queue() + "}";
    }
}
