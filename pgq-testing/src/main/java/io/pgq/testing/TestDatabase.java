package io.pgq.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One database on the test server, created for one test class and dropped after it.
 *
 * <p>Thread-safe: the data source opens a new physical connection per call and may be shared.
 */
public final class TestDatabase {

    private final String name;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final ServerKind serverKind;
    private final PGSimpleDataSource dataSource;

    public TestDatabase(String name, String jdbcUrl, String user, String password, ServerKind serverKind) {
        this.name = Objects.requireNonNull(name, "name");
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        this.user = user;
        this.password = password;
        this.serverKind = Objects.requireNonNull(serverKind, "serverKind");
        this.dataSource = new PGSimpleDataSource();
        this.dataSource.setURL(jdbcUrl);
        if (user != null) {
            this.dataSource.setUser(user);
        }
        if (password != null) {
            this.dataSource.setPassword(password);
        }
    }

    /** The database name, unique per test class and JVM. */
    public String name() {
        return name;
    }

    /** A JDBC URL for this database, without user and password. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user to connect as (a superuser of the test server). */
    public String user() {
        return user;
    }

    /** The password, or {@code null} when the server trusts local connections. */
    public String password() {
        return password;
    }

    /** Which of the three server sources the harness chose for this JVM. */
    public ServerKind serverKind() {
        return serverKind;
    }

    /** A non-pooling data source: every {@code getConnection()} opens a new session. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Opens a new connection (auto-commit on); the caller closes it. */
    public Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public String toString() {
        return "TestDatabase[" + name + " on " + serverKind + "]";
    }
}
