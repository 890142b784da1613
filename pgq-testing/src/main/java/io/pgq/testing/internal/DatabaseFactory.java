package io.pgq.testing.internal;

import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and drops the per-class databases on the shared server. Database names carry this
 * JVM's pid, so databases left behind by a JVM that died are recognised and dropped later.
 * Not API.
 */
public final class DatabaseFactory {

    /** Session time zone for every test database: non-UTC and not a whole hour off. */
    public static final String TEST_TIME_ZONE = "Asia/Kathmandu";
    /** Set to {@code true} to keep test databases after the tests, for debugging. */
    public static final String KEEP_ENV = "PGQ_TEST_KEEP_DATABASES";

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseFactory.class);
    private static final String PREFIX = "pgqtest_";
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();
    private static final DatabaseFactory INSTANCE = new DatabaseFactory(TestServers.shared());

    private final TestServer server;

    private DatabaseFactory(TestServer server) {
        this.server = server;
        dropDatabasesOfDeadJvms();
    }

    public static DatabaseFactory instance() {
        return INSTANCE;
    }

    /** Creates a fresh, empty database named after {@code label}. */
    public TestDatabase create(String label) {
        return createFrom(label, "template0");
    }

    /**
     * Creates a fresh database that is a copy of a template prepared once per JVM by
     * {@code initializer} (for example: install the pgq schema). Copying is much cheaper than
     * running the initializer for every test class.
     */
    public TestDatabase create(String label, String templateKey, Consumer<DataSource> initializer) {
        String template = TEMPLATES.computeIfAbsent(templateKey, key -> prepareTemplate(key, initializer));
        return createFrom(label, template);
    }

    public void drop(TestDatabase database) {
        if ("true".equalsIgnoreCase(System.getenv(KEEP_ENV))) {
            LOG.info("Keeping test database {} ({}=true)", database.name(), KEEP_ENV);
            return;
        }
        admin("DROP DATABASE IF EXISTS " + quote(database.name()) + " WITH (FORCE)");
    }

    private String prepareTemplate(String key, Consumer<DataSource> initializer) {
        TestDatabase template = createFrom("tpl_" + key, "template0");
        initializer.accept(template.dataSource());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(template), "pgq-testing-drop-" + template.name()));
        return template.name();
    }

    private TestDatabase createFrom(String label, String template) {
        String name = PREFIX + PID + "_" + COUNTER.incrementAndGet() + "_" + sanitize(label);
        admin("CREATE DATABASE " + quote(name) + " TEMPLATE " + quote(template));
        admin("ALTER DATABASE " + quote(name) + " SET timezone TO '" + TEST_TIME_ZONE + "'");
        return new TestDatabase(name, server.jdbcUrl(name), server.user(), server.password(), server.kind());
    }

    private void dropDatabasesOfDeadJvms() {
        List<String> stale = new ArrayList<>();
        try (Connection c = connectAdmin(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'pgqtest\\_%'")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (ownerIsDead(name)) {
                    stale.add(name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the test server (" + server.describe() + "): " + e.getMessage(), e);
        }
        stale.forEach(name -> admin("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)"));
        if (!stale.isEmpty()) {
            LOG.info("Dropped {} test databases left behind by JVMs that are gone", stale.size());
        }
    }

    private static boolean ownerIsDead(String databaseName) {
        String[] parts = databaseName.split("_");
        try {
            long pid = Long.parseLong(parts[1]);
            return pid != PID && ProcessHandle.of(pid).isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void admin(String sql) {
        try (Connection c = connectAdmin(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test server refused: " + sql + ": " + e.getMessage(), e);
        }
    }

    private Connection connectAdmin() throws SQLException {
        Properties props = new Properties();
        if (server.user() != null) {
            props.setProperty("user", server.user());
        }
        if (server.password() != null) {
            props.setProperty("password", server.password());
        }
        return DriverManager.getConnection(server.jdbcUrl(server.adminDatabase()), props);
    }

    private static String sanitize(String label) {
        String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        return s.length() > 30 ? s.substring(s.length() - 30) : s;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
