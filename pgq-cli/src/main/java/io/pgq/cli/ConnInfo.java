package io.pgq.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what users write for a database into a JDBC URL: a JDBC URL as it is, or a libpq
 * connection string as pgqadm's {@code db = dbname=app host=db1 user=pgq} uses.
 */
final class ConnInfo {

    private static final Pattern PAIR = Pattern.compile("(\\w+)\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|\\S+)");

    private ConnInfo() {
    }

    static String toJdbcUrl(String db) {
        String s = db.strip();
        if (s.startsWith("jdbc:postgresql:")) {
            return s;
        }
        if (s.startsWith("postgresql://") || s.startsWith("postgres://")) {
            return "jdbc:postgresql://" + s.substring(s.indexOf("://") + 3);
        }
        Map<String, String> kv = parse(s);
        String host = kv.getOrDefault("host", "localhost");
        String port = kv.getOrDefault("port", "5432");
        String dbname = kv.getOrDefault("dbname", kv.getOrDefault("user", "postgres"));
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port)
                .append('/').append(dbname);
        String sep = "?";
        for (String key : new String[] {"user", "password", "sslmode", "connect_timeout", "application_name"}) {
            if (kv.containsKey(key)) {
                String jdbcKey = key.equals("connect_timeout") ? "connectTimeout"
                        : key.equals("application_name") ? "ApplicationName" : key;
                url.append(sep).append(jdbcKey).append('=').append(URLEncoder.encode(kv.get(key), StandardCharsets.UTF_8));
                sep = "&";
            }
        }
        return url.toString();
    }

    /** {@code db} with its password replaced by {@code ****} (JDBC parameter, libpq key or URI user info). */
    static String masked(String db) {
        return db.replaceAll("(?i)(password=)('(?:[^'\\\\]|\\\\.)*'|[^&\\s]*)", "$1****")
                .replaceAll("(://[^:/@?]*:)[^@/?]*@", "$1****@");
    }

    private static Map<String, String> parse(String conninfo) {
        Map<String, String> kv = new LinkedHashMap<>();
        Matcher m = PAIR.matcher(conninfo);
        int end = 0;
        while (m.find()) {
            if (!conninfo.substring(end, m.start()).isBlank()) {
                break;
            }
            String value = m.group(2);
            if (value.startsWith("'")) {
                value = value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
            }
            kv.put(m.group(1), value);
            end = m.end();
        }
        if (kv.isEmpty() || !conninfo.substring(end).isBlank()) {
            throw new CliException("cannot read the database '" + masked(conninfo)
                    + "': give a JDBC URL (jdbc:postgresql://host:5432/db) or a libpq string (dbname=db host=h user=u)");
        }
        return kv;
    }
}
