package io.pgq.core.internal;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.postgresql.ds.common.BaseDataSource;

/** Describes connection settings for logs and messages, never showing a password. Stateless. */
public final class DataSources {

    private DataSources() {}

    /** The JDBC URL behind {@code dataSource} with its password masked, or its class name when unknown. */
    public static String describe(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
            return maskPassword(hikari.getJdbcUrl());
        }
        if (dataSource instanceof BaseDataSource pg) {
            return maskPassword(pg.getUrl());
        }
        return dataSource.getClass().getName();
    }

    /** {@code url} with the value of any {@code password=} parameter replaced by {@code ****}. */
    public static String maskPassword(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }
}
