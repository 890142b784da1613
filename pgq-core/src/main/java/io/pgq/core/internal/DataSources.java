package io.pgq.core.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.common.BaseDataSource;

/**
 * Describes connection settings for logs and messages, never showing a password: the full
 * description ({@link #describe}) or the short label {@code host:port/name} ({@link #label}).
 * Stateless.
 */
public final class DataSources {

    private static final Pattern URL = Pattern.compile("^jdbc:postgresql:(?://([^/?]*))?/?([^?]*)");

    private DataSources() {}

    /**
     * Where {@code dataSource} connects: its JDBC URL with the password masked (HikariCP), host,
     * port, database and user (the driver's data sources), or its class name when unknown.
     */
    public static String describe(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
            return maskPassword(hikari.getJdbcUrl());
        }
        if (dataSource instanceof BaseDataSource pg) {
            String[] hosts = pg.getServerNames();
            int[] ports = pg.getPortNumbers();
            return "jdbc:postgresql://" + (hosts.length == 0 ? "localhost" : hosts[0])
                    + (ports.length == 0 || ports[0] == 0 ? "" : ":" + ports[0]) + "/" + pg.getDatabaseName()
                    + (pg.getUser() == null ? "" : " as " + pg.getUser());
        }
        return dataSource.getClass().getName();
    }

    /** {@code url} with the value of any {@code password=} parameter replaced by {@code ****}. */
    public static String maskPassword(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    /** {@code host:port/name} of a {@code jdbc:postgresql:} URL; the URL without its password if it does not parse. */
    public static String label(String jdbcUrl) {
        if (jdbcUrl == null) {
            return null;
        }
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.find()) {
            return maskPassword(jdbcUrl);
        }
        String hosts = m.group(1) == null || m.group(1).isEmpty() ? "localhost" : m.group(1);
        return hosts + "/" + m.group(2);
    }

    /** The label of the database behind {@code dataSource}, when it says (HikariCP, pgjdbc), else its class. */
    public static String label(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource h && h.getJdbcUrl() != null) {
            return label(h.getJdbcUrl());
        }
        if (dataSource instanceof BaseDataSource b) {
            return label(b.getUrl());
        }
        return "(" + dataSource.getClass().getSimpleName() + ")";
    }
}
