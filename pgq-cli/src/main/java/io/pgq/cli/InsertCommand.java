package io.pgq.cli;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pgq insert}: one event from arguments, or one event per line of standard input. */
@Command(name = "insert", mixinStandardHelpOptions = true,
        description = "Insert an event (QUEUE TYPE DATA), or with no DATA one event per line of standard input.")
class InsertCommand implements Callable<Integer> {

    private static final int CHUNK = 1_000;

    @Mixin
    Database database;
    @Option(names = "--extra1", paramLabel = "TEXT", description = "The events' ev_extra1 (in PgQ often the source table).")
    String extra1;
    @Option(names = "--extra2", paramLabel = "TEXT", description = "The events' ev_extra2.")
    String extra2;
    @Option(names = "--extra3", paramLabel = "TEXT", description = "The events' ev_extra3.")
    String extra3;
    @Option(names = "--extra4", paramLabel = "TEXT", description = "The events' ev_extra4.")
    String extra4;
    @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue name.")
    String queue;
    @Parameters(index = "1", paramLabel = "TYPE", description = "Event type (ev_type), e.g. order.placed.")
    String type;
    @Parameters(index = "2", arity = "0..1", paramLabel = "DATA", description = "Event data (ev_data). Without it, "
            + "every line of standard input is one event's data (UTF-8).")
    String data;

    @Override
    public Integer call() throws Exception {
        try (Pgq pgq = database.client()) {
            if (data != null) {
                System.out.println(pgq.producer().send(queue, event(data)));
                return 0;
            }
            long total = 0;
            List<OutgoingEvent> chunk = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                chunk.add(event(line));
                if (chunk.size() == CHUNK) {
                    total += pgq.producer().sendAll(queue, chunk).length;
                    chunk.clear();
                }
            }
            if (!chunk.isEmpty()) {
                total += pgq.producer().sendAll(queue, chunk).length;
            }
            System.out.println("Inserted " + total + " events into " + queue);
            return 0;
        }
    }

    private OutgoingEvent event(String payload) {
        return OutgoingEvent.builder(type).payload(payload).extra1(extra1).extra2(extra2).extra3(extra3).extra4(extra4).build();
    }
}
