package io.pgq.cli;

import io.pgq.core.Pgq;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pgq consumer register|unregister|reposition}. */
@Command(name = "consumer", mixinStandardHelpOptions = true, description = "Register, unregister or reposition a consumer.",
        subcommands = {ConsumerCommand.Register.class, ConsumerCommand.Unregister.class, ConsumerCommand.Reposition.class})
class ConsumerCommand {

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a consumer; it receives events committed after its position (default: latest).")
    static class Register implements Callable<Integer> {
        @Mixin
        Database database;
        @Option(names = "--at", paramLabel = "POSITION", description = "Where to start: " + PositionArgument.FORMS + ".")
        String at;
        @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue name.")
        String queue;
        @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name.")
        String consumer;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                boolean created = at == null ? pgq.admin().registerConsumer(queue, consumer)
                        : pgq.admin().registerConsumer(queue, consumer, PositionArgument.parse(at));
                System.out.println(created ? "Registered " + consumer + " on " + queue
                        : consumer + " was already registered on " + queue + (at == null ? "" : "; moved to " + at));
                return 0;
            }
        }
    }

    @Command(name = "unregister", mixinStandardHelpOptions = true,
            description = "Unregister a consumer; its pending retries are deleted.")
    static class Unregister implements Callable<Integer> {
        @Mixin
        Database database;
        @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue name.")
        String queue;
        @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name.")
        String consumer;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                boolean removed = pgq.admin().unregisterConsumer(queue, consumer);
                System.out.println(removed ? "Unregistered " + consumer + " from " + queue
                        : consumer + " was not registered on " + queue);
                return 0;
            }
        }
    }

    @Command(name = "reposition", mixinStandardHelpOptions = true,
            description = "Move a consumer to another position; an open batch is dropped.")
    static class Reposition implements Callable<Integer> {
        @Mixin
        Database database;
        @Option(names = "--to", required = true, paramLabel = "POSITION", description = "Where to start: " + PositionArgument.FORMS + ".")
        String to;
        @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue name.")
        String queue;
        @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name.")
        String consumer;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                pgq.admin().repositionConsumer(queue, consumer, PositionArgument.parse(to));
                System.out.println("Moved " + consumer + " on " + queue + " to " + to);
                return 0;
            }
        }
    }
}
