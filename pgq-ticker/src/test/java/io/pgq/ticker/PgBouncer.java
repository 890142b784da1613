package io.pgq.ticker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgq.testing.TestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Test support: a real PgBouncer in transaction mode in front of a test database, started from a
 * generated ini and user list on a free port; the test is skipped (with a message) when the
 * {@code pgbouncer} binary is absent. Two server connections per pool, so that clients share
 * sessions as they do in production.
 */
final class PgBouncer implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+)(?:\\?(.*))?");

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

    static PgBouncer inFrontOf(TestDatabase db) throws Exception {
        Path binary = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"), new String[] {"/usr/sbin"})
                .flatMap(Stream::of).map(d -> Path.of(d, "pgbouncer")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(binary != null, "no pgbouncer binary on PATH or in /usr/sbin (Debian package pgbouncer): "
                + "skipping the tests through PgBouncer");
        Matcher m = URL.matcher(db.jdbcUrl());
        if (!m.matches()) {
            throw new IllegalStateException("cannot read host, port and database from " + db.jdbcUrl());
        }
        String user = db.user() != null ? db.user() : param(m.group(4), "user", System.getProperty("user.name"));
        int port = freePort();
        Path dir = Files.createTempDirectory("pgbouncer-test");
        Files.writeString(dir.resolve("userlist.txt"), "\"" + user + "\" \"\"\n");
        Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                "[databases]",
                m.group(3) + " = host=" + m.group(1) + " port=" + (m.group(2) == null ? "5432" : m.group(2))
                        + " dbname=" + m.group(3),
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + dir.resolve("userlist.txt"),
                "pool_mode = transaction",
                "default_pool_size = 2",
                "max_client_conn = 200",
                "ignore_startup_parameters = extra_float_digits",
                "logfile = " + dir.resolve("pgbouncer.log"),
                "pidfile = " + dir.resolve("pgbouncer.pid"),
                ""), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(binary.toString(), dir.resolve("pgbouncer.ini").toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            // PgBouncer refuses to run as root: let it switch to an unprivileged user
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            command.addAll(List.of("-u", "nobody"));
        }
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        PgBouncer bouncer = new PgBouncer(p, dir, port, m.group(3), user);
        bouncer.awaitListening();
        return bouncer;
    }

    /**
     * A JDBC URL through the bouncer. {@code prepareThreshold=0}: PgBouncer before 1.21 cannot
     * keep server-side prepared statements across transactions.
     */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + user + "&prepareThreshold=0";
    }

    private void awaitListening() throws Exception {
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

    String log() {
        try {
            Path log = dir.resolve("pgbouncer.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String param(String query, String name, String fallback) {
        if (query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith(name + "=")) {
                    return kv.substring(name.length() + 1);
                }
            }
        }
        return fallback;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
