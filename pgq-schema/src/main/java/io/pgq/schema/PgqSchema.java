package io.pgq.schema;

import io.pgq.schema.internal.SqlScript;
import io.pgq.schema.internal.SqlStates;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs, upgrades and inspects the pgq-java SQL schema.
 *
 * <p>{@link #install(DataSource)} is idempotent and safe to call from every application at start:
 * it works in one transaction under a transaction-level advisory lock, so two applications
 * starting together do not collide; it records the installed revision (in the comment of schema
 * {@code pgq}) and upgrades older revisions. A database that already holds a PgQ pgq-java did not
 * install (such as the reference C extension) is refused unless
 * {@link InstallOptions#useExisting()} is given.
 *
 * <pre>{@code
 * InstallResult result = PgqSchema.install(dataSource);
 * }</pre>
 *
 * <p>Thread-safe: all methods are static and keep no state.
 */
public final class PgqSchema {

    /** Key of the transaction-level advisory lock held while installing ("pgq-java" in ASCII). */
    public static final long ADVISORY_LOCK_KEY = 0x7067712d6a617661L;

    private static final Logger LOG = LoggerFactory.getLogger(PgqSchema.class);
    private static final int ATTEMPTS = 3;

    private PgqSchema() {
    }

    /** The schema revision bundled in this library. */
    public static int bundledRevision() {
        return Holder.SCRIPT.revision();
    }

    /** Installs or upgrades the schema, refusing foreign PgQ installations. */
    public static InstallResult install(DataSource dataSource) {
        return install(dataSource, InstallOptions.DEFAULTS);
    }

    /** Installs or upgrades the schema as {@code options} say. */
    public static InstallResult install(DataSource dataSource, InstallOptions options) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(options, "options");
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                return installOnce(c, options);
            } catch (SQLException e) {
                if (attempt < ATTEMPTS && SqlStates.isInstallRace(e.getSQLState())) {
                    LOG.info("pgq schema install raced with another installer ({}), retrying", e.getMessage());
                    continue;
                }
                throw new SchemaInstallException("Installing the pgq schema failed: " + e.getMessage()
                        + " (SQLState " + e.getSQLState() + "). Nothing was changed.", e);
            }
        }
    }

    /** What is installed in the database now, without changing anything. */
    public static InstalledSchema inspect(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return InstalledSchema.read(c);
        } catch (SQLException e) {
            throw new SchemaInstallException("Cannot inspect the pgq schema: " + e.getMessage(), e);
        }
    }

    private static InstallResult installOnce(Connection c, InstallOptions options) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            lock(c);
            InstalledSchema found = InstalledSchema.read(c);
            InstallResult result = decide(c, found, options);
            c.commit();
            log(result, c.getCatalog());
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static InstallResult decide(Connection c, InstalledSchema found, InstallOptions options) throws SQLException {
        SqlScript script = Holder.SCRIPT;
        if (found.isForeign()) {
            return useForeign(found, options);
        }
        if (found.revision() > script.revision()) {
            throw new SchemaInstallException("The database has pgq-java schema revision " + found.revision()
                    + " but this library only knows revision " + script.revision()
                    + ": upgrade pgq-java in this application.");
        }
        if (found.revision() == script.revision()) {
            return new InstallResult(InstallResult.Outcome.UP_TO_DATE, found.revision(), found.revision(), found.version());
        }
        apply(c, script);
        InstalledSchema now = InstalledSchema.read(c);
        InstallResult.Outcome outcome = found.present() ? InstallResult.Outcome.UPGRADED : InstallResult.Outcome.INSTALLED;
        return new InstallResult(outcome, found.revision(), now.revision(), now.version());
    }

    private static InstallResult useForeign(InstalledSchema found, InstallOptions options) {
        if (!options.useExistingPgq()) {
            throw new SchemaInstallException("The database already has a PgQ that pgq-java did not install ("
                    + found.describe() + "). pgq-java will not replace it. Either use it as it is "
                    + "(InstallOptions.useExisting(), or --use-existing-pgq on the command line) or remove it first.");
        }
        if (found.version() == null || !found.version().startsWith("3")) {
            throw new SchemaInstallException("The existing PgQ (" + found.describe() + ") reports version '"
                    + found.version() + "'; pgq-java needs PgQ 3.x.");
        }
        return new InstallResult(InstallResult.Outcome.USED_EXISTING, -1, -1, found.version());
    }

    private static void apply(Connection c, SqlScript script) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (SqlScript.Part part : script.parts()) {
                try {
                    st.execute(part.sql());
                } catch (SQLException e) {
                    throw new SQLException(part.name() + ": " + e.getMessage(), e.getSQLState(), e);
                }
            }
        }
    }

    private static void lock(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_catalog.pg_advisory_xact_lock(" + ADVISORY_LOCK_KEY + ")");
        }
    }

    private static void log(InstallResult result, String database) {
        switch (result.outcome()) {
            case INSTALLED -> LOG.info("Installed pgq schema revision {} into database {}", result.revision(), database);
            case UPGRADED -> LOG.info("Upgraded pgq schema in database {} from revision {} to {}",
                    database, result.previousRevision(), result.revision());
            case UP_TO_DATE -> LOG.debug("pgq schema in database {} is up to date (revision {})", database, result.revision());
            case USED_EXISTING -> LOG.info("Using the existing PgQ {} in database {} as it is", result.version(), database);
        }
    }

    private static final class Holder {
        static final SqlScript SCRIPT = SqlScript.bundled();
    }
}
