package io.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PgBouncer (the Debian package's binary) in transaction mode in front of a test
 * database, with {@code poolSize} server connections, so that consecutive transactions of one
 * client run on different server sessions. Tests skip when it is not installed ({@link #installed()}).
 */
final class PgBouncer implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/pgbouncer");

    private final Path dir;
    private final Process process;
    private final int port;
    private final String database;

    private PgBouncer(Path dir, Process process, int port, String database) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.database = database;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Starts PgBouncer for {@code db} and waits until it listens. */
    static PgBouncer start(TestDatabase db, int poolSize) throws IOException, InterruptedException {
        URI server = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("pgq-pgbouncer-");
        dir.toFile().setWritable(true, false);
        dir.toFile().setExecutable(true, false);
        Files.writeString(dir.resolve("userlist.txt"), "\"" + user(db) + "\" \""
                + (db.password() == null ? "" : db.password()) + "\"\n");
        Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                "[databases]",
                "* = host=" + server.getHost() + " port=" + server.getPort(),
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + dir.resolve("userlist.txt"),
                "pool_mode = transaction",
                "default_pool_size = " + poolSize,
                "max_client_conn = 100",
                "ignore_startup_parameters = extra_float_digits,options",
                "logfile = " + dir.resolve("pgbouncer.log"),
                ""));
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));   // PgBouncer refuses to run as root
        }
        command.addAll(List.of(BINARY.toString(), dir.resolve("pgbouncer.ini").toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        PgBouncer bouncer = new PgBouncer(dir, process, port, server.getPath().substring(1));
        bouncer.awaitPort();
        return bouncer;
    }

    static String user(TestDatabase db) {
        return db.user() == null ? "postgres" : db.user();
    }

    /** The JDBC URL through PgBouncer (no server-side prepared statements). */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?prepareThreshold=0";
    }

    private void awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                assertThat(System.nanoTime()).as("PgBouncer listens on %d (see its log in %s)", port, dir)
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
