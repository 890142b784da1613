package io.pgq.cli;

import io.pgq.core.Pgq;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pgq status}: the ticker, queues (with their retry and dead-letter queues) and consumers
 * (lag, pending events). {@link StatusQueries} reads, {@link StatusView} renders.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the ticker (leader, standbys, last tick), queues (ticker lag, event rate, new events, "
                + "retry queue, dead letters, rotation) and consumers (lag, pending events, retries, last seen).")
class StatusCommand implements Callable<Integer> {

    @Mixin
    Database database;

    @Parameters(arity = "0..1", paramLabel = "QUEUE", description = "Only this queue (default: all queues).")
    String queue;

    @Option(names = "--json", description = "Print the status as one JSON object, for scripts.")
    boolean json;

    @Override
    public Integer call() throws SQLException {
        String server = Database.server(database.jdbcUrl());
        try (Pgq pgq = database.client(); Connection c = pgq.dataSource().getConnection()) {
            StatusReport report = new StatusQueries(pgq, c).read(server, queue);
            System.out.print(json ? StatusView.json(report) : StatusView.text(report));
            return 0;
        }
    }
}
