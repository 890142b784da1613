package io.pgq.schema;

/**
 * How {@link PgqSchema#install(javax.sql.DataSource, InstallOptions)} treats a database. Immutable.
 *
 * @param useExistingPgq when the database already holds a PgQ that pgq-java did not install
 *                       (for example the reference C extension), use it as it is instead of
 *                       refusing; pgq-java then changes nothing in the database
 */
public record InstallOptions(boolean useExistingPgq) {

    /** Refuse foreign PgQ installations. */
    public static final InstallOptions DEFAULTS = new InstallOptions(false);

    /** Accept a foreign PgQ installation (such as {@code CREATE EXTENSION pgq}) as it is. */
    public static InstallOptions useExisting() {
        return new InstallOptions(true);
    }
}
