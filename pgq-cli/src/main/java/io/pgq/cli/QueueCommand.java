package io.pgq.cli;

import io.pgq.core.Pgq;
import io.pgq.core.QueueSettings;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pgq queue create|drop|config}. */
@Command(name = "queue", mixinStandardHelpOptions = true, description = "Create, drop or configure a queue.",
        subcommands = {QueueCommand.Create.class, QueueCommand.Drop.class, QueueCommand.Config.class})
class QueueCommand {

    /** Ticker and rotation settings shared by create and config. */
    static class Settings {
        @Option(names = "--max-count", paramLabel = "N", description = "Tick after N new events (default 500).")
        Integer maxCount;
        @Option(names = "--max-lag", paramLabel = "DURATION", converter = Durations.Converter.class,
                description = "Tick when the newest tick is this old and there are new events (default 3s).")
        Duration maxLag;
        @Option(names = "--idle-period", paramLabel = "DURATION", converter = Durations.Converter.class,
                description = "Longest gap between ticks of an idle queue (default 1m).")
        Duration idlePeriod;
        @Option(names = "--rotation-period", paramLabel = "DURATION", converter = Durations.Converter.class,
                description = "Shortest time between event-table rotations (default 2h).")
        Duration rotationPeriod;

        QueueSettings.Builder builder() {
            QueueSettings.Builder b = QueueSettings.builder();
            if (maxCount != null) {
                b.tickerMaxCount(maxCount);
            }
            if (maxLag != null) {
                b.tickerMaxLag(maxLag);
            }
            if (idlePeriod != null) {
                b.tickerIdlePeriod(idlePeriod);
            }
            if (rotationPeriod != null) {
                b.rotationPeriod(rotationPeriod);
            }
            return b;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a queue (no-op if it exists).")
    static class Create implements Callable<Integer> {
        @Mixin
        Database database;
        @Mixin
        Settings settings;
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                boolean created = pgq.admin().createQueue(queue, settings.builder().build());
                System.out.println(created ? "Created queue " + queue : "Queue " + queue + " already exists (settings unchanged)");
                return 0;
            }
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true, description = "Drop a queue with its events.")
    static class Drop implements Callable<Integer> {
        @Mixin
        Database database;
        @Option(names = "--force", description = "Also when consumers are registered (they are unregistered).")
        boolean force;
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Override
        public Integer call() {
            try (Pgq pgq = database.client()) {
                pgq.admin().dropQueue(queue, force);
                System.out.println("Dropped queue " + queue);
                return 0;
            }
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true, description = "Change a queue's settings, pause or resume it.")
    static class Config implements Callable<Integer> {
        @Mixin
        Database database;
        @Mixin
        Settings settings;
        @Option(names = "--pause", description = "Stop ticking the queue.")
        boolean pause;
        @Option(names = "--resume", description = "Resume ticking the queue.")
        boolean resume;
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Override
        public Integer call() {
            if (pause && resume) {
                throw new CliException("use --pause or --resume, not both");
            }
            QueueSettings.Builder b = settings.builder();
            if (pause || resume) {
                b.tickerPaused(pause);
            }
            try (Pgq pgq = database.client()) {
                pgq.admin().configure(queue, b.build());
                System.out.println("Configured queue " + queue);
                return 0;
            }
        }
    }
}
