package io.pgq.cli;

import io.pgq.consumer.DeadLetters;
import io.pgq.core.Pgq;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pgq dlq list|resend}: inspect and re-send dead letters. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "List or re-send the dead letters of a "
        + "dead-letter queue (default name: <queue>.dlq).", subcommands = {DlqCommand.ListLetters.class, DlqCommand.Resend.class})
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

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Show the dead letters not yet re-sent: id, original queue and event, type, reason.")
    static class ListLetters implements Callable<Integer> {
        @Mixin
        Database database;
        @Parameters(paramLabel = "DLQ", description = "Dead-letter queue, e.g. orders.dlq.")
        String dlq;
        @Option(names = "--limit", paramLabel = "N", description = "At most N (default ${DEFAULT-VALUE}).")
        int limit = 100;

        @Override
        public Integer call() throws SQLException {
            try (Pgq pgq = database.client(); Connection c = pgq.dataSource().getConnection()) {
                String table = dataTable(c, dlq);
                Tables t = new Tables("DLQ-ID", "TIME", "FROM-QUEUE", "CONSUMER", "EVENT-ID", "TYPE", "REASON");
                int n = 0;
                try (PreparedStatement st = c.prepareStatement("SELECT e.ev_id, e.ev_time, e.ev_extra1, e.ev_extra2, "
                        + "e.ev_extra3, e.ev_type, e.ev_extra4 FROM " + table + " e WHERE " + NOT_RESENT
                        + " ORDER BY e.ev_id LIMIT ?")) {
                    st.setString(1, dlq);
                    st.setString(2, DeadLetters.RESEND_CONSUMER);
                    st.setInt(3, limit);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            t.row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                    rs.getString(6), rs.getString(7));
                            n++;
                        }
                    }
                }
                System.out.print(n == 0 ? "(no dead letters in " + dlq + ")\n" : t.render());
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
                DeadLetters.ResendResult r = new DeadLetters(pgq).resend(dlq, d -> (type == null || type.equals(d.type()))
                        && (id == null || id == d.deadLetterId()));
                System.out.println("Re-sent " + r.resent() + " dead letters; " + r.kept() + " kept in " + dlq);
                return 0;
            }
        }
    }
}
