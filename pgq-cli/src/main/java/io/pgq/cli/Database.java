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
            + "?user=u&password=p), a URI as psql takes it (postgresql://user:password@host1:5432,host2/db?sslmode=require)"
            + " or a libpq string (dbname=db host=h user=u). Default: $" + ENV + ".")
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

    /** {@code host:port} (or {@code host1:port1,host2:port2}) of a JDBC URL, for messages. */
    static String server(String jdbcUrl) {
        PGSimpleDataSource ds = dataSource(jdbcUrl);
        String[] hosts = ds.getServerNames();
        int[] ports = ds.getPortNumbers();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < hosts.length; i++) {
            s.append(i == 0 ? "" : ",").append(hosts[i]).append(':')
                    .append(ports == null || ports.length <= i || ports[i] == 0 ? 5432 : ports[i]);
        }
        return s.toString();
    }

    /** {@code host:port/database} of a JDBC URL, for log lines. */
    static String describe(String jdbcUrl) {
        return server(jdbcUrl) + "/" + dataSource(jdbcUrl).getDatabaseName();
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
