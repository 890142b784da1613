package io.pgq.core.internal;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.PgqException;
import io.pgq.core.Producer;
import io.pgq.core.TopicProducer;
import io.pgq.core.TopicRouting;
import io.pgq.core.UnknownQueueException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * The topic producer: picks each event's partition ({@link TopicPartitions}) and hands the
 * events of each partition, in their order, to the queue {@link Producer} on one connection and
 * transaction. Events that all go to one partition (above all a single event) are one statement,
 * atomic by itself: in auto-commit mode they need no explicit transaction, which would cost a
 * second round trip for the commit. Thread-safe.
 */
public final class JdbcTopicProducer implements TopicProducer {

    /** Events routed per COPY round: bounds the memory of {@link #copy}. */
    static final int COPY_CHUNK = 10_000;

    private final DataSource dataSource;
    private final Producer producer;
    private final PayloadCodec codec;
    private final TopicPartitions partitions = new TopicPartitions();

    public JdbcTopicProducer(DataSource dataSource, Producer producer, PayloadCodec codec) {
        this.dataSource = dataSource;
        this.producer = producer;
        this.codec = codec;
    }

    @Override
    public long send(String topic, String key, String type, Object payload) {
        return send(topic, OutgoingEvent.keyed(type, TopicRouting.checkKey(key), payload));
    }

    @Override
    public long send(String topic, String key, Object payload) {
        OutgoingEvent typed = codec.typed(payload);
        return send(topic, OutgoingEvent.keyed(typed.type(), TopicRouting.checkKey(key), typed.payload()));
    }

    @Override
    public long send(String topic, OutgoingEvent event) {
        return sendAll(topic, List.of(Objects.requireNonNull(event, "event")))[0];
    }

    @Override
    public long[] sendAll(String topic, List<OutgoingEvent> events) {
        check(topic, events);
        return translated(topic, () -> {
            try (Connection c = dataSource.getConnection()) {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                TreeMap<Integer, List<Integer>> byPartition = route(c, topic, events);
                if (byPartition.size() == 1) {   // one statement: atomic without an explicit transaction
                    return insert(c, topic, events, byPartition);
                }
                return atomically(c, tx -> insert(tx, topic, events, byPartition));
            }
        });
    }

    @Override
    public long send(Connection connection, String topic, OutgoingEvent event) {
        return sendAll(connection, topic, List.of(Objects.requireNonNull(event, "event")))[0];
    }

    @Override
    public long[] sendAll(Connection connection, String topic, List<OutgoingEvent> events) {
        Objects.requireNonNull(connection, "connection");
        check(topic, events);
        return translated(topic, () -> atomically(connection, c -> insert(c, topic, events, route(c, topic, events))));
    }

    @Override
    public long send(DSLContext dsl, String topic, OutgoingEvent event) {
        return sendAll(dsl, topic, List.of(Objects.requireNonNull(event, "event")))[0];
    }

    @Override
    public long[] sendAll(DSLContext dsl, String topic, List<OutgoingEvent> events) {
        Objects.requireNonNull(dsl, "dsl");
        check(topic, events);
        return dsl.connectionResult(c -> sendAll(c, topic, events));
    }

    @Override
    public long copy(String topic, Iterable<OutgoingEvent> events) {
        TopicRouting.checkTopicName(topic);
        Objects.requireNonNull(events, "events");
        return inOwnTransaction(topic, c -> copyRouted(c, topic, events));
    }

    @Override
    public long copy(Connection connection, String topic, Iterable<OutgoingEvent> events) {
        Objects.requireNonNull(connection, "connection");
        TopicRouting.checkTopicName(topic);
        Objects.requireNonNull(events, "events");
        return translated(topic, () -> atomically(connection, c -> copyRouted(c, topic, events)));
    }

    @Override
    public int partitionFor(String topic, String key) {
        TopicRouting.checkTopicName(topic);
        TopicRouting.checkKey(key);
        try (Connection c = dataSource.getConnection()) {
            return TopicRouting.partition(key, partitions.count(c, topic));
        } catch (SQLException e) {
            throw Errors.translate(e, "Reading the topic", topic, null);
        }
    }

    /** Validates everything before anything is written. */
    private static void check(String topic, List<OutgoingEvent> events) {
        TopicRouting.checkTopicName(topic);
        Objects.requireNonNull(events, "events");
        for (OutgoingEvent e : events) {
            Objects.requireNonNull(e, "events must not contain null");
            if (e.key() != null) {
                TopicRouting.checkKey(e.key());
            }
        }
    }

    /** The indexes of the events by partition, in partition order. */
    private TreeMap<Integer, List<Integer>> route(Connection c, String topic, List<OutgoingEvent> events)
            throws SQLException {
        int n = partitions.count(c, topic);
        TreeMap<Integer, List<Integer>> byPartition = new TreeMap<>();
        for (int i = 0; i < events.size(); i++) {
            byPartition.computeIfAbsent(partitions.choose(events.get(i).key(), n), p -> new ArrayList<>()).add(i);
        }
        return byPartition;
    }

    /** One statement per partition: {@code pgq.insert_event} for one event, one set-based insert for more. */
    private long[] insert(Connection c, String topic, List<OutgoingEvent> events,
                          TreeMap<Integer, List<Integer>> byPartition) {
        long[] ids = new long[events.size()];
        for (var part : byPartition.entrySet()) {
            String queue = TopicRouting.partitionQueue(topic, part.getKey());
            if (part.getValue().size() == 1) {
                int i = part.getValue().get(0);
                ids[i] = producer.send(c, queue, events.get(i));
                continue;
            }
            List<OutgoingEvent> slice = new ArrayList<>(part.getValue().size());
            part.getValue().forEach(i -> slice.add(events.get(i)));
            long[] sliceIds = producer.sendAll(c, queue, slice);
            for (int j = 0; j < sliceIds.length; j++) {
                ids[part.getValue().get(j)] = sliceIds[j];
            }
        }
        return ids;
    }

    private long copyRouted(Connection c, String topic, Iterable<OutgoingEvent> events) throws SQLException {
        int n = partitions.count(c, topic);
        TreeMap<Integer, List<OutgoingEvent>> chunk = new TreeMap<>();
        long written = 0;
        int inChunk = 0;
        for (OutgoingEvent e : events) {
            Objects.requireNonNull(e, "events must not contain null");
            chunk.computeIfAbsent(partitions.choose(e.key() == null ? null : TopicRouting.checkKey(e.key()), n),
                    p -> new ArrayList<>()).add(e);
            if (++inChunk == COPY_CHUNK) {
                written += flush(c, topic, chunk);
                inChunk = 0;
            }
        }
        return written + flush(c, topic, chunk);
    }

    private long flush(Connection c, String topic, TreeMap<Integer, List<OutgoingEvent>> chunk) {
        long written = 0;
        for (var part : chunk.entrySet()) {
            written += producer.copy(c, TopicRouting.partitionQueue(topic, part.getKey()), part.getValue());
        }
        chunk.clear();
        return written;
    }

    /** Work on a pooled connection in one transaction of its own. */
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private interface Call<T> {
        T run() throws SQLException;
    }

    private <T> T inOwnTransaction(String topic, Work<T> work) {
        return translated(topic, () -> {
            try (Connection c = dataSource.getConnection()) {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                return atomically(c, work);
            }
        });
    }

    /** In the caller's open transaction as it is; on a connection in auto-commit mode as one transaction. */
    private static <T> T atomically(Connection c, Work<T> work) throws SQLException {
        if (!c.getAutoCommit()) {
            return work.run(c);
        }
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private <T> T translated(String topic, Call<T> call) {
        try {
            return call.run();
        } catch (UnknownQueueException e) {
            partitions.forget(topic);
            throw new PgqException("A partition queue of topic '" + topic + "' is missing: was the topic dropped "
                    + "or re-created? " + e.getMessage(), e);
        } catch (PgqException | IllegalArgumentException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(e, "Sending events to topic '" + topic + "'", null, null);
        }
    }
}
