package io.pgq.consumer.internal;

import io.pgq.consumer.DeadLetter;
import io.pgq.consumer.DeadLetters;
import io.pgq.core.PgqException;
import io.pgq.core.internal.Errors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a dead-letter queue batch by batch and re-sends (or keeps) its events. Not thread-safe; one per call. */
public final class DeadLetterResender {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterResender.class);
    private static final int CHUNK = 1000;
    private static final String SEND = "SELECT count(pgq.insert_event(t.queue, t.type, t.data, t.e1, t.e2, t.e3, t.e4)) "
            + "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) "
            + "AS t(queue, type, data, e1, e2, e3, e4)";

    private final DataSource dataSource;
    private final String deadLetterQueue;
    private final String consumer;
    private int resent;
    private int kept;

    public DeadLetterResender(DataSource dataSource, String deadLetterQueue, String consumer) {
        this.dataSource = dataSource;
        this.deadLetterQueue = deadLetterQueue;
        this.consumer = consumer;
    }

    public DeadLetters.ResendResult resend(Predicate<DeadLetter> which) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            long lastTick = lastTick(c);
            for (Long batch = nextBatch(c, lastTick); batch != null; batch = nextBatch(c, lastTick)) {
                processBatch(c, batch, which);
            }
        } catch (SQLException | RuntimeException e) {
            throw Errors.translate(e, "Re-sending dead letters", deadLetterQueue, consumer);
        }
        LOG.info("Re-sent {} dead letters from {} ({} kept)", resent, deadLetterQueue, kept);
        return new DeadLetters.ResendResult(resent, kept);
    }

    private long lastTick(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT last_tick_id FROM pgq.get_queue_info(?)")) {
            st.setString(1, deadLetterQueue);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new io.pgq.core.UnknownQueueException(deadLetterQueue, null);
                }
                return rs.getLong(1);
            }
        }
    }

    /** The next batch that ends at or before {@code lastTick}; a later one stays open for the next call. */
    private Long nextBatch(Connection c, long lastTick) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT batch_id, cur_tick_id FROM pgq.next_batch_custom(?, ?, NULL, NULL, NULL)")) {
            st.setString(1, deadLetterQueue);
            st.setString(2, consumer);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long batch = rs.getLong(1);
                if (rs.wasNull() || rs.getLong(2) > lastTick) {
                    return null;
                }
                return batch;
            }
        }
    }

    private void processBatch(Connection c, long batch, Predicate<DeadLetter> which) throws SQLException {
        c.setAutoCommit(false);
        try {
            BatchCursor cursor = new BatchCursor(c, batch, CHUNK);
            while (true) {
                List<RawEvent> chunk = cursor.next();
                send(c, chunk, which);
                if (cursor.exhausted()) {
                    break;
                }
            }
            try (PreparedStatement st = c.prepareStatement("SELECT pgq.finish_batch(?)")) {
                st.setLong(1, batch);
                st.execute();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void send(Connection c, List<RawEvent> chunk, Predicate<DeadLetter> which) throws SQLException {
        List<String[]> rows = new ArrayList<>(chunk.size());
        for (RawEvent e : chunk) {
            DeadLetter d = parse(e);
            if (d != null && which.test(d)) {
                rows.add(new String[] {d.queue(), d.type(), d.data(), d.extra1(), d.extra2(), d.extra3(), d.extra4()});
                resent++;
            } else {
                rows.add(new String[] {deadLetterQueue, e.type(), e.data(), e.extra1(), e.extra2(), e.extra3(), e.extra4()});
                kept++;
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement(SEND)) {
            for (int col = 0; col < 7; col++) {
                String[] values = new String[rows.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rows.get(i)[col];
                }
                st.setArray(col + 1, c.createArrayOf("text", values));
            }
            st.executeQuery().close();
        }
    }

    private DeadLetter parse(RawEvent e) {
        try {
            return DeadLetterCodec.decode(e.id(), e.data());
        } catch (PgqException notADeadLetter) {
            LOG.debug("Event {} of {} is not a dead letter; it stays", e.id(), deadLetterQueue);
            return null;
        }
    }
}
