package io.pgq.core.internal;

import com.codahale.metrics.MetricRegistry;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Producer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * The producer. The hot paths use prepared statements of their own rather than jOOQ's query
 * rendering: one round trip per call, nothing rendered per event. One event in its own
 * transaction goes through the protocol's function call ({@link InsertEventCall}); several
 * events are one statement ({@link EventInserts}: {@code pgq.insert_events} on pgq-java's
 * schema). Thread-safe.
 */
public final class JdbcProducer implements Producer {

    private final DataSource dataSource;
    private final PayloadCodec codec;
    private final ProducerMeters metrics;
    private final InsertEventCall insertEventCall = new InsertEventCall();
    private final EventInserts inserts = new EventInserts();
    private final Availability availability;

    public JdbcProducer(DataSource dataSource, PayloadCodec codec, MetricRegistry registry) {
        this.dataSource = dataSource;
        this.codec = codec;
        this.metrics = new ProducerMeters(registry);
        this.availability = new Availability("Producer", DataSources.label(dataSource), Availability.DEFAULT_REMIND_EVERY);
    }

    @Override
    public long send(String queue, String type, Object payload) {
        return send(queue, OutgoingEvent.of(type, payload));
    }

    @Override
    public long send(String queue, Object payload) {
        return send(queue, codec.typed(payload));
    }

    @Override
    public long send(String queue, OutgoingEvent event) {
        String data = encodeOne(queue, event);
        return timedOne(queue, () -> {
            try (Connection c = autoCommitting(dataSource.getConnection())) {
                return insertOwnTransaction(c, queue, event, data);
            }
        });
    }

    /** One event as its own transaction on {@code c}, which is in auto-commit mode. */
    private long insertOwnTransaction(Connection c, String queue, OutgoingEvent event, String data) throws SQLException {
        return InsertEventCall.supports(c)
                ? insertEventCall.insert(c, queue, event.type(), data, event.extra1(), event.extra2(), event.extra3(),
                        event.extra4())
                : EventInserts.insertOne(c, queue, event, data);
    }

    @Override
    public long[] sendAll(String queue, List<OutgoingEvent> events) {
        EncodedEvents encoded = EncodedEvents.encode(Names.queue(queue), events, codec);
        return timed(queue, encoded.size(), () -> {
            try (Connection c = autoCommitting(dataSource.getConnection())) {
                return inserts.insert(c, queue, encoded);
            }
        });
    }

    @Override
    public long send(Connection connection, String queue, OutgoingEvent event) {
        Objects.requireNonNull(connection, "connection");
        String data = encodeOne(queue, event);
        // in an open transaction the statement: a function call that failed would abort the caller's transaction
        return timedOne(queue, () -> connection.getAutoCommit()
                ? insertOwnTransaction(connection, queue, event, data)
                : EventInserts.insertOne(connection, queue, event, data));
    }

    @Override
    public long[] sendAll(Connection connection, String queue, List<OutgoingEvent> events) {
        Objects.requireNonNull(connection, "connection");
        EncodedEvents encoded = EncodedEvents.encode(Names.queue(queue), events, codec);
        return timed(queue, encoded.size(), () -> inserts.insert(connection, queue, encoded));
    }

    @Override
    public long send(DSLContext dsl, String queue, OutgoingEvent event) {
        return sendAll(dsl, queue, List.of(Objects.requireNonNull(event, "event")))[0];
    }

    @Override
    public long[] sendAll(DSLContext dsl, String queue, List<OutgoingEvent> events) {
        Objects.requireNonNull(dsl, "dsl");
        EncodedEvents encoded = EncodedEvents.encode(Names.queue(queue), events, codec);
        return timed(queue, encoded.size(), () -> dsl.connectionResult(c -> inserts.insert(c, queue, encoded)));
    }

    @Override
    public long copy(String queue, Iterable<OutgoingEvent> events) {
        Names.queue(queue);
        Objects.requireNonNull(events, "events");
        return timed(queue, -1, () -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    long n = EventCopy.copy(c, queue, events, codec);
                    c.commit();
                    return n;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        });
    }

    @Override
    public long copy(Connection connection, String queue, Iterable<OutgoingEvent> events) {
        Objects.requireNonNull(connection, "connection");
        Names.queue(queue);
        Objects.requireNonNull(events, "events");
        return timed(queue, -1, () -> EventCopy.copy(connection, queue, events, codec));
    }

    /** Validates one event before anything is written: its queue name, and its payload as text. */
    private String encodeOne(String queue, OutgoingEvent event) {
        Names.queue(queue);
        return codec.encode(queue, Objects.requireNonNull(event, "event"));
    }

    /** A pooled connection in auto-commit mode: each statement is its own transaction. */
    private static Connection autoCommitting(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.setAutoCommit(true);
        }
        return c;
    }

    /** A database call that returns ids or a count. */
    private interface Call<T> {
        T run() throws SQLException;
    }

    /** A database call that sends one event and returns its id. */
    private interface OneCall {
        long run() throws SQLException;
    }

    private <T> T timed(String queue, int knownSize, Call<T> call) {
        ProducerMeters.PerQueue m = metrics.of(queue);
        long start = System.nanoTime();
        try {
            T result = call.run();
            availability.succeeded();
            long count = result instanceof long[] ids ? ids.length : (Long) result;
            m.sent(count, knownSize >= 0 ? knownSize : count);
            return result;
        } catch (SQLException | RuntimeException e) {
            throw failed(m, e, queue);
        } finally {
            m.send().update(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private long timedOne(String queue, OneCall call) {
        ProducerMeters.PerQueue m = metrics.of(queue);
        long start = System.nanoTime();
        try {
            long id = call.run();
            availability.succeeded();
            m.sent(1, 1);
            return id;
        } catch (SQLException | RuntimeException e) {
            throw failed(m, e, queue);
        } finally {
            m.send().update(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private RuntimeException failed(ProducerMeters.PerQueue m, Exception e, String queue) {
        m.errors().mark();
        RuntimeException translated = Errors.translate(e, "Sending events", queue, null, availability.database());
        availability.failed(translated);
        return translated;
    }
}
