package io.pgq.testing.internal;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses and starts the one test server of this JVM. Not API. */
public final class TestServers {

    /** Environment variable (or system property {@code pgq.test.jdbcUrl}) naming an existing server. */
    public static final String JDBC_URL_ENV = "PGQ_TEST_JDBC_URL";
    /** Optional override of the choice: {@code url}, {@code docker} or {@code embedded}. */
    public static final String SERVER_ENV = "PGQ_TEST_SERVER";

    private static final Logger LOG = LoggerFactory.getLogger(TestServers.class);

    private TestServers() {
    }

    /** The JVM-wide server, started on first use. */
    public static TestServer shared() {
        return Holder.SERVER;
    }

    private static final class Holder {
        static final TestServer SERVER = choose();
    }

    private static TestServer choose() {
        String url = setting(JDBC_URL_ENV, "pgq.test.jdbcUrl");
        String forced = setting(SERVER_ENV, "pgq.test.server");
        String choice = forced == null ? "" : forced.trim().toLowerCase(Locale.ROOT);
        long start = System.nanoTime();
        TestServer server = switch (choice) {
            case "url" -> external(url);
            case "docker" -> ContainerServer.start();
            case "embedded" -> EmbeddedServer.start();
            case "" -> url != null && !url.isBlank() ? external(url)
                    : ContainerServer.dockerReachable() ? ContainerServer.start() : EmbeddedServer.start();
            default -> throw new IllegalArgumentException(SERVER_ENV + " must be one of url, docker, embedded; got '"
                    + forced + "'");
        };
        LOG.info("pgq-testing uses {} (chosen in {} ms)", server.describe(), (System.nanoTime() - start) / 1_000_000);
        return server;
    }

    private static TestServer external(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(SERVER_ENV + "=url needs " + JDBC_URL_ENV
                    + ", e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
        }
        return new ExternalServer(url.trim());
    }

    private static String setting(String env, String property) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }
}
