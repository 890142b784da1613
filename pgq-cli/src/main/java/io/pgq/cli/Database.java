package io.pgq.cli;

import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Option;

/** The {@code --db} option shared by all commands, and the connections made from it. */
final class Database {

    static final String ENV = "PGQ_DB_URL";

    @Option(names = "--db", paramLabel = "URL", description = "Database: a JDBC URL (jdbc:postgresql://host:5432/db"
            + "?user=u&password=p) or a libpq string (dbname=db host=h user=u). Default: $" + ENV + ".")
    String db;

    String jdbcUrl() {
        String value = db != null ? db : System.getenv(ENV);
        if (value == null || value.isBlank()) {
            throw new CliException("no database given: use --db jdbc:postgresql://host:5432/db?user=... or set " + ENV);
        }
        return ConnInfo.toJdbcUrl(value);
    }

    static PGSimpleDataSource dataSource(String jdbcUrl) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        try {
            ds.setURL(jdbcUrl);
        } catch (IllegalArgumentException e) {
            throw new CliException("bad database URL: " + e.getMessage());
        }
        ds.setConnectTimeout(10);
        return ds;
    }

    PGSimpleDataSource dataSource() {
        return dataSource(jdbcUrl());
    }

    /** A client for commands that need the schema to be there already. */
    Pgq client() {
        PGSimpleDataSource ds = dataSource();
        checkReachableWithSchema(ds);
        return Pgq.create(PgqConfig.builder().dataSource(ds).installSchema(false).build());
    }

    static void checkReachableWithSchema(PGSimpleDataSource ds) {
        try (Connection c = ds.getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT exists(SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'pgq')")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new CliException("database " + c.getCatalog() + " has no pgq schema: run 'pgq install --db ...' first");
            }
        } catch (SQLException e) {
            throw new CliException("cannot connect to the database: " + firstLine(e.getMessage()), e);
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
