package io.pgq.cli;

import io.pgq.core.Pgq;
import io.pgq.core.QueueInfo;
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

    /** Ticker and rotation settings of create and config: the options, described by each command. */
    abstract static class Settings {

        abstract Integer maxCount();

        abstract Duration maxLag();

        abstract Duration idlePeriod();

        abstract Duration rotationPeriod();

        boolean any() {
            return maxCount() != null || maxLag() != null || idlePeriod() != null || rotationPeriod() != null;
        }

        QueueSettings.Builder builder() {
            QueueSettings.Builder b = QueueSettings.builder();
            if (maxCount() != null) {
                b.tickerMaxCount(maxCount());
            }
            if (maxLag() != null) {
                b.tickerMaxLag(maxLag());
            }
            if (idlePeriod() != null) {
                b.tickerIdlePeriod(idlePeriod());
            }
            if (rotationPeriod() != null) {
                b.rotationPeriod(rotationPeriod());
            }
            return b;
        }
    }

    /** The settings of a new queue, with PgQ's defaults. */
    static class NewSettings extends Settings {
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

        @Override
        Integer maxCount() {
            return maxCount;
        }

        @Override
        Duration maxLag() {
            return maxLag;
        }

        @Override
        Duration idlePeriod() {
            return idlePeriod;
        }

        @Override
        Duration rotationPeriod() {
            return rotationPeriod;
        }
    }

    /** Changes to an existing queue: what is omitted stays as it is. */
    static class Changes extends Settings {
        @Option(names = "--max-count", paramLabel = "N", description = "Tick after N new events (unchanged when omitted).")
        Integer maxCount;
        @Option(names = "--max-lag", paramLabel = "DURATION", converter = Durations.Converter.class,
                description = "Tick when the newest tick is this old and there are new events (unchanged when omitted).")
        Duration maxLag;
        @Option(names = "--idle-period", paramLabel = "DURATION", converter = Durations.Converter.class,
                description = "Longest gap between ticks of an idle queue (unchanged when omitted).")
        Duration idlePeriod;
        @Option(names = "--rotation-period", paramLabel = "DURATION", converter = Durations.Converter.class,
                description = "Shortest time between event-table rotations (unchanged when omitted).")
        Duration rotationPeriod;

        @Override
        Integer maxCount() {
            return maxCount;
        }

        @Override
        Duration maxLag() {
            return maxLag;
        }

        @Override
        Duration idlePeriod() {
            return idlePeriod;
        }

        @Override
        Duration rotationPeriod() {
            return rotationPeriod;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a queue (no-op if it exists).")
    static class Create implements Callable<Integer> {
        @Mixin
        Database database;
        @Mixin
        NewSettings settings;
        @Parameters(paramLabel = "QUEUE", description = "Queue name.")
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
        @Parameters(paramLabel = "QUEUE", description = "Queue name.")
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

    @Command(name = "config", mixinStandardHelpOptions = true, description = "Change a queue's settings, pause or "
            + "resume it; with no option, print its settings.")
    static class Config implements Callable<Integer> {
        @Mixin
        Database database;
        @Mixin
        Changes settings;
        @Option(names = "--pause", description = "Stop ticking the queue.")
        boolean pause;
        @Option(names = "--resume", description = "Resume ticking the queue.")
        boolean resume;
        @Parameters(paramLabel = "QUEUE", description = "Queue name.")
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
                if (settings.any() || pause || resume) {
                    pgq.admin().configure(queue, b.build());
                    System.out.println("Configured queue " + queue);
                }
                QueueInfo q = pgq.admin().queue(queue).orElseThrow(() -> new CliException("no such queue: " + queue));
                System.out.print(new Tables("SETTING", "VALUE", "OPTION")
                        .row("ticker_max_count", q.tickerMaxCount(), "--max-count")
                        .row("ticker_max_lag", Tables.duration(q.tickerMaxLag()), "--max-lag")
                        .row("ticker_idle_period", Tables.duration(q.tickerIdlePeriod()), "--idle-period")
                        .row("rotation_period", Tables.duration(q.rotationPeriod()), "--rotation-period")
                        .row("ticker_paused", q.tickerPaused() ? "yes" : "no", "--pause / --resume")
                        .row("event tables", q.tables(), "-")
                        .row("external ticker", q.externalTicker() ? "yes" : "no", "-")
                        .render());
                return 0;
            }
        }
    }
}
