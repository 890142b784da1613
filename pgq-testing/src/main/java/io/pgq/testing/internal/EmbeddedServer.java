package io.pgq.testing.internal;

import io.pgq.testing.ServerKind;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An embedded PostgreSQL from the io.zonky.test binaries (version pinned in the parent POM).
 * Tuned for tests: no fsync, so it is fast and must never hold data anyone cares about.
 */
final class EmbeddedServer implements TestServer {

    private final EmbeddedPostgres postgres;

    private EmbeddedServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static EmbeddedServer start() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("max_locks_per_transaction", "256")
                    .setServerConfig("log_min_messages", "warning")
                    .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                    .start();
            EmbeddedServer server = new EmbeddedServer(pg);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "pgq-testing-embedded-stop"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL server. Set PGQ_TEST_JDBC_URL "
                    + "to use an existing server instead, e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres", e);
        }
    }

    private void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            // The JVM is exiting; there is nobody left to tell but stderr.
            System.err.println("pgq-testing: embedded PostgreSQL did not stop cleanly: " + e);
        }
    }

    @Override
    public ServerKind kind() {
        return ServerKind.EMBEDDED;
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }

    @Override
    public String adminDatabase() {
        return "postgres";
    }

    @Override
    public String user() {
        return "postgres";
    }

    @Override
    public String password() {
        return null;
    }

    @Override
    public String describe() {
        return "embedded PostgreSQL on port " + postgres.getPort();
    }
}
