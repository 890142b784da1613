package io.pgq.core.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.common.BaseDataSource;

/** Log-safe names of databases: {@code host:port/name}, never a user or password. */
public final class Databases {

    private static final Pattern URL = Pattern.compile("^jdbc:postgresql:(?://([^/?]*))?/?([^?]*)");

    private Databases() {
    }

    /** {@code host:port/name} of a {@code jdbc:postgresql:} URL; the URL without its parameters if it does not parse. */
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

    /** The URL with the values of {@code password=} parameters replaced by {@code ****}. */
    public static String maskPassword(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }
}
