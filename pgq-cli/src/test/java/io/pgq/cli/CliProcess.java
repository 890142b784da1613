package io.pgq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Test support: {@code pgq ARGS} in its own JVM, stopped with a real SIGINT or SIGTERM. */
final class CliProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private CliProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static CliProcess start(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                PgqCommand.class.getName()));
        command.addAll(List.of(args));
        Path log = Path.of("target", "cli-" + name + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new CliProcess(p, log);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends {@code signal} (INT or TERM) with kill(1) and waits for the exit; returns the exit code.
     * Skips the test when the signal cannot reach the process ({@link #assumeReceivable}).
     */
    int signal(String signal) throws IOException, InterruptedException {
        assumeReceivable(signal);
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("pgq did not exit within 60 s of SIG" + signal + "; output: " + output());
        }
        return process.exitValue();
    }

    /**
     * Skips the calling test (an aborted assumption) when this test's own process ignores
     * {@code signal}: a pgq process started from here inherits that, and the JVM leaves an ignored
     * SIGINT, SIGTERM or SIGHUP ignored (POSIX's convention for background jobs and nohup), so the
     * signal could not reach it. Tests call it before they start a process they will signal.
     */
    static void assumeReceivable(String signal) throws IOException {
        Assumptions.assumeFalse(ignoredHere(signal), () -> "SIG" + signal + " is ignored by this test's process (inherited:"
                + " started in the background by a shell without job control, or with nohup); a pgq process started"
                + " from here would ignore it too: run the tests from a shell that does not ignore it");
    }

    /** Whether {@code signal} (INT, TERM or HUP) is ignored by this process ({@code SigIgn} in /proc/self/status). */
    static boolean ignoredHere(String signal) throws IOException {
        int number = switch (signal) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "TERM" -> 15;
            default -> throw new IllegalArgumentException("signal " + signal);
        };
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask & (1L << (number - 1))) != 0;
            }
        }
        return false;
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
