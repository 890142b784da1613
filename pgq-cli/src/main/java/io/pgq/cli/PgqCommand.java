package io.pgq.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.pgq.core.PgqException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgq}: the job of SkyTools' pgqadm, and a live demo. */
@Command(name = "pgq", mixinStandardHelpOptions = true, versionProvider = PgqCommand.Version.class,
        description = "pgq-java: PostgreSQL event queue. Install the schema, run the ticker, administer queues "
                + "and consumers, inspect, send and follow events.",
        subcommands = {InstallCommand.class, UpgradeCommand.class, TickerCommand.class, StatusCommand.class,
                QueueCommand.class, ConsumerCommand.class, InsertCommand.class, TailCommand.class, DlqCommand.class,
                TopicCommand.class, GroupCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class PgqCommand {

    /** Exit code for a user error (bad input, unreachable database, unknown queue...). */
    static final int EXIT_ERROR = 1;
    /** Exit code of the ticker when it stayed unable to reach its database. */
    static final int EXIT_UNHEALTHY = 3;

    @Option(names = {"-v", "--verbose"}, description = "Log more and show stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new PgqCommand());
        cli.setExecutionExceptionHandler(PgqCommand::handle);
        cli.setExecutionStrategy(parsed -> {
            boolean verbose = parsed.asCommandLineList().stream()
                    .anyMatch(c -> c.getCommand() instanceof PgqCommand p && p.verbose);
            quietLogging(verbose);
            return new CommandLine.RunLast().execute(parsed);
        });
        return cli.execute(args);
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean verbose = parsed.asCommandLineList().stream()
                .anyMatch(c -> c.getCommand() instanceof PgqCommand p && p.verbose);
        if (e instanceof CliException || e instanceof PgqException || e instanceof IllegalArgumentException) {
            err.println("pgq: " + e.getMessage());
        } else {
            err.println("pgq: unexpected error: " + e);
        }
        if (verbose) {
            e.printStackTrace(err);
        } else if (!(e instanceof CliException)) {
            err.println("(run with --verbose for details)");
        }
        err.flush();
        return EXIT_ERROR;
    }

    /** Libraries log at WARN unless --verbose; daemons raise io.pgq to INFO themselves. */
    static void quietLogging(boolean verbose) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(verbose ? Level.DEBUG : Level.WARN);
            ctx.getLogger("io.pgq").setLevel(verbose ? Level.DEBUG : Level.WARN);
            ctx.getLogger("com.zaxxer").setLevel(Level.WARN);
        }
    }

    static void daemonLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx
                && !ctx.getLogger("io.pgq").isDebugEnabled()) {
            ctx.getLogger("io.pgq").setLevel(Level.INFO);
        }
    }

    /** Prints the version, written into {@code version.properties} by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = PgqCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"pgq-java " + p.getProperty("version", "(version unknown: built without Maven)")};
        }
    }
}
