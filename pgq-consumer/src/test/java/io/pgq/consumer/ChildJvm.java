package io.pgq.consumer;

import io.pgq.testing.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test support: a {@link ConsumerProcess} in its own JVM, killed with SIGKILL or stopped with SIGTERM. */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@link ConsumerProcess} with {@code args} after the database's URL, user and password. */
    static ChildJvm start(String name, String maxHeap, TestDatabase db, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Duser.timezone=" + System.getProperty("user.timezone"));
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(ConsumerProcess.class.getName());
        command.add(db.jdbcUrl());
        command.add(db.user() == null ? "" : db.user());
        command.add(db.password() == null ? "" : db.password());
        command.addAll(List.of(args));
        Path log = Path.of("target", "child-" + name + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildJvm(p, log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no rollback by the JVM; the server rolls back when the connections drop. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the consumer closes gracefully (its shutdown hook). Returns what it logged. */
    String stop() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not stop within 60 s; see " + log.toAbsolutePath());
        }
        return Files.readString(log);
    }

    String logFile() {
        return new File(log.toString()).getAbsolutePath();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
