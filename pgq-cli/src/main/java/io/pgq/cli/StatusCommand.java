package io.pgq.cli;

import io.pgq.core.ConsumerInfo;
import io.pgq.core.Pgq;
import io.pgq.core.QueueInfo;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pgq status}: queues and consumers with lag and pending events. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show queues (ticker lag, event rate, new events) and consumers (lag, last seen, pending events).")
class StatusCommand implements Callable<Integer> {

    @Mixin
    Database database;

    @Parameters(arity = "0..1", paramLabel = "QUEUE", description = "Only this queue.")
    String queue;

    @Override
    public Integer call() {
        try (Pgq pgq = database.client()) {
            List<QueueInfo> queues = queue == null ? pgq.admin().queues()
                    : pgq.admin().queue(queue).map(List::of).orElseThrow(() -> new CliException("no such queue: " + queue));
            Tables q = new Tables("QUEUE", "LAST-TICK", "TICKER-LAG", "EVENTS/S", "NEW-EVENTS", "TABLES", "PAUSED");
            for (QueueInfo i : queues) {
                q.row(i.name(), i.lastTickId(), Tables.duration(i.tickerLag()),
                        i.eventsPerSecond() == null ? "-" : String.format(Locale.ROOT, "%.1f", i.eventsPerSecond()),
                        i.newEvents(), i.currentTable() + "/" + i.tables(), i.tickerPaused() ? "yes" : "no");
            }
            System.out.print(q.render());
            System.out.println();
            List<ConsumerInfo> consumers = queue == null ? pgq.admin().consumers() : pgq.admin().consumers(queue);
            Tables c = new Tables("QUEUE", "CONSUMER", "LAG", "LAST-SEEN", "POSITION", "BATCH", "PENDING-EVENTS");
            for (ConsumerInfo i : consumers) {
                c.row(i.queue(), i.consumer(), Tables.duration(i.lag()), Tables.duration(i.lastSeen()), i.lastTick(),
                        i.currentBatch(), i.pendingEvents());
            }
            System.out.print(consumers.isEmpty() ? "(no consumers)\n" : c.render());
            return 0;
        }
    }
}
