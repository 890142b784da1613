package io.pgq.core.internal;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.postgresql.ds.common.BaseDataSource;

/** Describes connection settings for logs and messages, never showing a password. Stateless. */
public final class DataSources {

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
}
