package io.pgq.consumer.internal;

import io.pgq.consumer.DeadLetter;
import io.pgq.consumer.DeadLetters;
import io.pgq.core.PgqException;
import io.pgq.core.UnknownQueueException;
import io.pgq.core.internal.Errors;
import io.pgq.schema.internal.jooq.pgq.Routines;
import io.pgq.schema.internal.jooq.pgq.Tables;
import io.pgq.schema.internal.jooq.pgq.routines.NextBatchCustom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.jooq.Configuration;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a dead-letter queue batch by batch and re-sends (or keeps) its events. Not thread-safe; one per call. */
public final class DeadLetterResender {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterResender.class);
    private static final int CHUNK = 1000;
    /**
     * Plain JDBC on purpose: one statement inserts a whole chunk through pgq.insert_event, with
     * the columns bound as seven text arrays (the producer's bulk path, see EventInserts).
     */
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

    private static Configuration jooq(Connection c) {
        return DSL.using(c, SQLDialect.POSTGRES).configuration();
    }

    private long lastTick(Connection c) {
        Long lastTick = Tables.GET_QUEUE_INFO(jooq(c), deadLetterQueue).stream().findFirst()
                .orElseThrow(() -> new UnknownQueueException(deadLetterQueue, null)).getLastTickId();
        return lastTick == null ? 0 : lastTick;
    }

    /** The next batch that ends at or before {@code lastTick}; a later one stays open for the next call. */
    private Long nextBatch(Connection c, long lastTick) {
        NextBatchCustom next = Routines.nextBatchCustom(jooq(c), deadLetterQueue, consumer, null, null, null);
        if (next.getBatchId() == null || next.getCurTickId() > lastTick) {
            return null;
        }
        return next.getBatchId();
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
            Routines.finishBatch(jooq(c), batch);
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
