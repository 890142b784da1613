package io.pgq.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PgBouncer in transaction mode in front of a {@link TestDatabase}, for tests of code that
 * must work where session state does not survive a transaction (advisory locks, {@code LISTEN},
 * session settings). It runs the {@code pgbouncer} binary (Debian package {@code pgbouncer}) from a
 * generated configuration on a free port of 127.0.0.1, with {@code poolSize} server connections
 * per database, so that consecutive transactions of one client may run on different server
 * sessions. Tests skip themselves when it is not installed:
 *
 * <pre>{@code
 * assumeTrue(PgBouncer.installed(), PgBouncer.NOT_INSTALLED);
 * try (PgBouncer bouncer = PgBouncer.inFrontOf(db, 2)) {
 *     DataSource ds = ...bouncer.jdbcUrl()...;
 * }
 * }</pre>
 *
 * Run as root, PgBouncer (which refuses root) switches to user {@code nobody}. Closing stops it
 * and removes its files.
 */
public final class PgBouncer implements AutoCloseable {

    /** Why a test that needs PgBouncer is skipped. */
    public static final String NOT_INSTALLED = "no pgbouncer binary on PATH or in /usr/sbin (Debian package pgbouncer): "
            + "skipping the tests through PgBouncer";

    private final Process process;
    private final Path dir;
    private final int port;
    private final String database;
    private final String user;

    private PgBouncer(Process process, Path dir, int port, String database, String user) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.database = database;
        this.user = user;
    }

    /** Whether a {@code pgbouncer} binary is on the PATH or in {@code /usr/sbin}. */
    public static boolean installed() {
        return binary().isPresent();
    }

    private static Optional<Path> binary() {
        return Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(":")), Stream.of("/usr/sbin"))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "pgbouncer")).filter(Files::isExecutable).findFirst();
    }

    /**
     * Starts PgBouncer in front of {@code db} and waits (up to 30 s) until it listens.
     *
     * @throws IllegalStateException when it is not installed, or exits or does not listen (with its log)
     */
    public static PgBouncer inFrontOf(TestDatabase db, int poolSize) throws IOException, InterruptedException {
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
        }
        Path binary = binary().orElseThrow(() -> new IllegalStateException(NOT_INSTALLED));
        URI server = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        String database = server.getPath().substring(1);
        String user = db.user() != null ? db.user() : queryParameter(server.getQuery(), "user").orElse("postgres");
        int port = freePort();
        Path dir = Files.createTempDirectory("pgq-pgbouncer-");
        Files.writeString(dir.resolve("userlist.txt"), "\"" + user + "\" \"" + (db.password() == null ? "" : db.password()) + "\"\n");
        Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                "[databases]",
                "* = host=" + server.getHost() + " port=" + (server.getPort() < 0 ? 5432 : server.getPort()),
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + dir.resolve("userlist.txt"),
                "pool_mode = transaction",
                "default_pool_size = " + poolSize,
                "max_client_conn = 200",
                "ignore_startup_parameters = extra_float_digits,options",
                "logfile = " + dir.resolve("pgbouncer.log"),
                ""), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(binary.toString(), dir.resolve("pgbouncer.ini").toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));   // for its log
            command.addAll(List.of("-u", "nobody"));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        PgBouncer bouncer = new PgBouncer(process, dir, port, database, user);
        try {
            bouncer.awaitListening();
        } catch (IOException | InterruptedException | RuntimeException e) {
            bouncer.close();
            throw e;
        }
        return bouncer;
    }

    /**
     * A JDBC URL of the database through PgBouncer, with the user and {@code prepareThreshold=0}
     * (PgBouncer before 1.21 cannot keep server-side prepared statements across transactions).
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + user + "&prepareThreshold=0";
    }

    /** The user the database is reached as. */
    public String user() {
        return user;
    }

    /** PgBouncer's log so far (for failure messages). */
    public String log() {
        try {
            Path log = dir.resolve("pgbouncer.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("stdout.txt")) + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("pgbouncer did not listen on port " + port + " within 30 s: " + log());
    }

    private static Optional<String> queryParameter(String query, String name) {
        if (query == null) {
            return Optional.empty();
        }
        return Stream.of(query.split("&")).filter(kv -> kv.startsWith(name + "="))
                .map(kv -> kv.substring(name.length() + 1)).findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops PgBouncer (forcibly after 10 s) and removes its files. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir, e);
        }
    }
}
