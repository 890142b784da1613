package io.pgq.consumer.internal;

import io.pgq.consumer.Event;
import java.time.Instant;

/**
 * What every event handed to a handler reads from its row ({@link RawEvent}) and its decoded
 * payload: id, type, data (decoded from UTF-8 once, when first asked), time, txid and the extra
 * fields. Subclasses say where the event was read (batch, queue, consumer), how often it was
 * tried, and which connection a handler may use. Not thread-safe.
 */
public abstract class AbstractEvent<T> implements Event<T> {

    private final RawEvent raw;
    private final T payload;
    private String data;

    protected AbstractEvent(RawEvent raw, T payload) {
        this.raw = raw;
        this.payload = payload;
    }

    /** The row as read. */
    public final RawEvent raw() {
        return raw;
    }

    @Override
    public final long id() {
        return raw.id();
    }

    @Override
    public final String type() {
        return raw.type();
    }

    @Override
    public final T payload() {
        return payload;
    }

    @Override
    public final String data() {
        if (data == null) {
            data = raw.data();
        }
        return data;
    }

    @Override
    public final Instant time() {
        return raw.instant();
    }

    @Override
    public final long txid() {
        return raw.txid();
    }

    @Override
    public final String extra1() {
        return raw.extra1();
    }

    @Override
    public final String extra2() {
        return raw.extra2();
    }

    @Override
    public final String extra3() {
        return raw.extra3();
    }

    @Override
    public final String extra4() {
        return raw.extra4();
    }

    @Override
    public String toString() {
        return "Event{id=" + raw.id() + ", type=" + raw.type() + ", retryCount=" + retryCount()
                + ", batch=" + batchId() + ", queue=" + queue() + "}";
    }
}
