package io.pgq.cli;

import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.DeadLetters;
import io.pgq.core.Pgq;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pgq dlq list|resend}: inspect and re-send dead letters. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "List, re-send or delete the dead letters of a "
        + "dead-letter queue (default name: <queue>.dlq).", subcommands = {DlqCommand.ListLetters.class, DlqCommand.Resend.class, DlqCommand.Delete.class,
        DlqCommand.Purge.class})
class DlqCommand {

    /**
     * Condition on the events {@code e} of a dead-letter queue: not yet passed by the re-send
     * consumer. Parameters: the queue's name, the re-send consumer's name.
     */
    static final String NOT_RESENT = "e.ev_owner IS NULL AND NOT txid_visible_in_snapshot(e.ev_txid, "
            + "(SELECT t.tick_snapshot FROM pgq.tick t JOIN pgq.queue q ON q.queue_id = t.tick_queue "
            + "JOIN pgq.subscription s ON s.sub_queue = q.queue_id AND s.sub_last_tick = t.tick_id "
            + "JOIN pgq.consumer co ON co.co_id = s.sub_consumer WHERE q.queue_name = ? AND co.co_name = ?))";

    /** The queue's parent event table (its rows are the union of the rotating tables). */
    static String dataTable(Connection c, String queue) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT queue_data_pfx FROM pgq.queue WHERE queue_name = ?")) {
            st.setString(1, queue);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new CliException("no such queue: " + queue);
                }
                String[] parts = rs.getString(1).split("\\.", 2);
                return '"' + parts[0].replace("\"", "\"\"") + "\".\"" + parts[1].replace("\"", "\"\"") + '"';
            }
        }
    }

    /** The dead-letter queue {@code dlq} after checking that it is one: it has the re-send consumer. */
    static void checkIsDeadLetterQueue(Pgq pgq, String dlq) {
        if (pgq.admin().queue(dlq).isEmpty()) {
            throw new CliException("no such queue: " + dlq);
        }
        if (pgq.admin().consumer(dlq, DeadLetters.RESEND_CONSUMER).isEmpty()) {
            String suggestion = dlq + ConsumerConfig.DEAD_LETTER_SUFFIX;
            throw new CliException(dlq + " is not a dead-letter queue (it has no " + DeadLetters.RESEND_CONSUMER
                    + " consumer); " + (pgq.admin().queue(suggestion).isPresent()
                    ? "its dead letters are in " + suggestion + ": pgq dlq list " + suggestion
                    : "its consumers' dead letters go to " + suggestion + ", created when a consumer of " + dlq
                    + " first starts"));
        }
    }

    /** The selected dead letters of {@code dlq} that are not yet re-sent; the statement's first two parameters are set. */
    private static PreparedStatement select(Connection c, String sql, String dlq) throws SQLException {
        PreparedStatement st = c.prepareStatement(sql);
        st.setString(1, dlq);
        st.setString(2, DeadLetters.RESEND_CONSUMER);
        return st;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Show the dead letters not yet re-sent: id, time, original queue, consumer and event id, type, "
                    + "reason and data (shortened; in full with --verbose).")
    static class ListLetters implements Callable<Integer> {
        @Mixin
        Database database;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "DLQ", description = "Dead-letter queue, e.g. orders.dlq.")
        String dlq;
        @Option(names = "--limit", paramLabel = "N", description = "At most N (default ${DEFAULT-VALUE}).")
        int limit = 100;

        @Override
        public Integer call() throws SQLException {
            Options.atLeast("--limit", limit, 1);
            boolean full = spec.root().userObject() instanceof PgqCommand p && p.verbose;
            try (Pgq pgq = database.client(); Connection c = pgq.dataSource().getConnection()) {
                checkIsDeadLetterQueue(pgq, dlq);
                List<DeadLetterRow> letters = new ArrayList<>();
                try (PreparedStatement st = select(c, "SELECT e.ev_id, e.ev_time, e.ev_extra1, e.ev_extra2, e.ev_extra3, "
                        + "e.ev_type, e.ev_extra4, e.ev_data FROM " + dataTable(c, dlq) + " e WHERE " + NOT_RESENT
                        + " ORDER BY e.ev_id LIMIT ?", dlq)) {
                    st.setInt(3, limit);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            letters.add(DeadLetterRow.of(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                    rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
                        }
                    }
                }
                System.out.print(letters.isEmpty() ? "(no dead letters in " + Text.escape(dlq) + ")\n"
                        : full ? DeadLetterRow.full(letters) : DeadLetterRow.table(letters));
                return 0;
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete one dead letter that is not yet re-sent, by its DLQ-ID (see dlq list).")
    static class Delete implements Callable<Integer> {
        @Mixin
        Database database;
        @Parameters(paramLabel = "DLQ", description = "Dead-letter queue, e.g. orders.dlq.")
        String dlq;
        @Option(names = "--id", required = true, paramLabel = "DLQ-ID", description = "The dead letter to delete.")
        long id;

        @Override
        public Integer call() throws SQLException {
            try (Pgq pgq = database.client(); Connection c = pgq.dataSource().getConnection()) {
                checkIsDeadLetterQueue(pgq, dlq);
                try (PreparedStatement st = select(c, "DELETE FROM " + dataTable(c, dlq) + " e WHERE " + NOT_RESENT
                        + " AND e.ev_id = ?", dlq)) {
                    st.setLong(3, id);
                    if (st.executeUpdate() == 0) {
                        throw new CliException("no dead letter " + id + " waiting in " + dlq + " (see pgq dlq list " + dlq + ")");
                    }
                }
                System.out.println("Deleted dead letter " + id + " from " + dlq);
                return 0;
            }
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Delete all dead letters of a dead-letter queue that are not yet re-sent.")
    static class Purge implements Callable<Integer> {
        @Mixin
        Database database;
        @Parameters(paramLabel = "DLQ", description = "Dead-letter queue, e.g. orders.dlq.")
        String dlq;

        @Override
        public Integer call() throws SQLException {
            try (Pgq pgq = database.client(); Connection c = pgq.dataSource().getConnection()) {
                checkIsDeadLetterQueue(pgq, dlq);
                try (PreparedStatement st = select(c, "DELETE FROM " + dataTable(c, dlq) + " e WHERE " + NOT_RESENT, dlq)) {
                    System.out.println("Deleted " + st.executeUpdate() + " dead letters from " + dlq);
                }
                return 0;
            }
        }
    }

    @Command(name = "resend", mixinStandardHelpOptions = true,
            description = "Re-send dead letters to the queues they came from (needs a running ticker).")
    static class Resend implements Callable<Integer> {
        @Mixin
        Database database;
        @Parameters(paramLabel = "DLQ", description = "Dead-letter queue, e.g. orders.dlq.")
        String dlq;
        @Option(names = "--type", paramLabel = "TYPE", description = "Only dead letters of this event type.")
        String type;
        @Option(names = "--id", paramLabel = "DLQ-ID", description = "Only this dead letter.")
        Long id;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                checkIsDeadLetterQueue(pgq, dlq);
                DeadLetters.ResendResult r = new DeadLetters(pgq).resend(dlq, d -> (type == null || type.equals(d.type()))
                        && (id == null || id == d.deadLetterId()));
                System.out.println("Re-sent " + r.resent() + " dead letters; " + r.kept() + " kept in " + dlq);
                return 0;
            }
        }
    }
}
