package io.pgq.consumer.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.pgq.consumer.Batch;
import io.pgq.consumer.Event;
import io.pgq.core.PayloadException;
import io.pgq.core.internal.Errors;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/** The batch a {@link io.pgq.consumer.BatchHandler} sees: events streamed from the cursor. Not thread-safe. */
final class BatchImpl implements Batch {

    private final BatchRun run;
    private final BatchCursor cursor;
    private List<RawEvent> chunk;
    private int index;
    private long fetched;
    private boolean iterated;

    BatchImpl(BatchRun run, BatchCursor cursor, List<RawEvent> firstChunk) {
        this.run = run;
        this.cursor = cursor;
        this.chunk = firstChunk;
        this.fetched = firstChunk.size();
    }

    @Override
    public long id() {
        return run.batchId();
    }

    @Override
    public String queue() {
        return run.queue();
    }

    @Override
    public String consumer() {
        return run.consumer();
    }

    @Override
    public Iterable<Event<String>> events() {
        if (iterated) {
            throw new IllegalStateException("Batch.events() can be iterated once: the events are streamed");
        }
        iterated = true;
        return () -> new Events();
    }

    @Override
    public <T> T decode(Event<String> event, Class<T> type) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(type, "type");
        if (event.data() == null || type == String.class) {
            return type.cast(event.data());
        }
        try {
            return run.context().mapper().readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readValue(event.data());
        } catch (IOException e) {
            throw new PayloadException("Cannot decode event " + event.id() + " as " + type.getName() + ": "
                    + Failures.jacksonMessage(e), run.queue(), e);
        }
    }

    @Override
    public void retry(Event<?> event) {
        run.onRetry(raw(event), null);
    }

    @Override
    public void retry(Event<?> event, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("retry delay must not be negative, got " + delay);
        }
        run.onRetry(raw(event), delay);
    }

    @Override
    public void deadLetter(Event<?> event, String reason) {
        run.deadLetter(raw(event), Objects.requireNonNull(reason, "reason"), null);
    }

    @Override
    public Connection connection() {
        return run.transaction().guarded();
    }

    private RawEvent raw(Event<?> event) {
        if (!(event instanceof EventImpl<?> e) || e.batchId() != run.batchId()) {
            throw new IllegalArgumentException("not an event of batch " + run.batchId() + ": " + event);
        }
        return e.raw();
    }

    /** The number of events in the batch; reads past what the handler did not read. */
    long finishReading() throws SQLException {
        return fetched + cursor.skipRest();
    }

    /** Streams the events, fetching the next chunk (and writing pending outcomes) when one is used up. */
    private final class Events implements Iterator<Event<String>> {
        @Override
        public boolean hasNext() {
            run.checkNotAborted();
            if (index < chunk.size()) {
                return true;
            }
            if (cursor.exhausted()) {
                return false;
            }
            try {
                run.flushOutcomes();
                chunk = cursor.next();
            } catch (SQLException e) {
                throw Errors.translate(e, "Reading the batch", run.queue(), run.consumer());
            }
            index = 0;
            fetched += chunk.size();
            return !chunk.isEmpty();
        }

        @Override
        public Event<String> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            RawEvent e = chunk.get(index++);
            return new EventImpl<>(e, e.data(), run);
        }
    }
}
