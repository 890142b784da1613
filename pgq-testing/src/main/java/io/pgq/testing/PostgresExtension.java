package io.pgq.testing;

import io.pgq.testing.internal.DatabaseFactory;
import java.util.Objects;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives each test class its own fresh database on a real PostgreSQL
 * server (see the package documentation for how the server is chosen).
 *
 * <p>Simplest use: an empty database, injected as a parameter.
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class MyTest {
 *     @Test
 *     void works(TestDatabase db) throws SQLException {
 *         try (Connection c = db.connect()) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>With a template: the initializer runs once per JVM and every test class gets a cheap copy.
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);
 * }</pre>
 *
 * <p>Parameters of type {@link TestDatabase} and {@link DataSource} are resolved in test
 * methods, constructors and lifecycle methods. The database is dropped after the class (unless
 * {@code PGQ_TEST_KEEP_DATABASES=true}). Sessions opened through it use a non-UTC time zone
 * when the JVM runs with {@code -Duser.timezone=Asia/Kathmandu} (our builds do); the database
 * default is set to that zone too.
 *
 * <p>Thread-safe: one instance may serve test classes running in parallel.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);
    private static final String KEY = "database";

    private final String templateKey;
    private final Consumer<DataSource> templateInitializer;

    /** An empty database per test class; used by {@code @ExtendWith(PostgresExtension.class)}. */
    public PostgresExtension() {
        this(null, null);
    }

    private PostgresExtension(String templateKey, Consumer<DataSource> templateInitializer) {
        this.templateKey = templateKey;
        this.templateInitializer = templateInitializer;
    }

    /**
     * A database per test class, copied from a template that {@code initializer} prepares once
     * per JVM and {@code key}. The initializer must close the connections it opens.
     */
    public static PostgresExtension withTemplate(String key, Consumer<DataSource> initializer) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(initializer, "initializer");
        return new PostgresExtension(key, initializer);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String label = context.getRequiredTestClass().getSimpleName();
        DatabaseFactory factory = DatabaseFactory.instance();
        TestDatabase database = templateKey == null
                ? factory.create(label)
                : factory.create(label, templateKey, templateInitializer);
        context.getStore(NAMESPACE).put(KEY, database);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestDatabase database = context.getStore(NAMESPACE).remove(KEY, TestDatabase.class);
        if (database != null) {
            DatabaseFactory.instance().drop(database);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestDatabase.class || type == DataSource.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestDatabase database = find(context);
        return parameter.getParameter().getType() == DataSource.class ? database.dataSource() : database;
    }

    /** The database of the test class running in {@code context} (or of an enclosing class). */
    public static TestDatabase database(ExtensionContext context) {
        return find(context);
    }

    private static TestDatabase find(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            TestDatabase database = c.getStore(NAMESPACE).get(KEY, TestDatabase.class);
            if (database != null) {
                return database;
            }
        }
        throw new ParameterResolutionException("No test database: register PostgresExtension on the test class "
                + "(@ExtendWith(PostgresExtension.class) or a static @RegisterExtension field)");
    }
}
