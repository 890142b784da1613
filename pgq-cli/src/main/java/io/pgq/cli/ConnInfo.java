package io.pgq.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what users write for a database into a JDBC URL, as psql reads it: a JDBC URL as it
 * is; a libpq URI ({@code postgresql://user:pass@host1:5432,host2/db?sslmode=require}, also
 * {@code postgres://}); or a libpq key/value string as pgqadm's
 * {@code db = dbname=app host=db1 user=pgq} uses. Malformed input is refused with what is wrong.
 */
final class ConnInfo {

    private static final Pattern PAIR = Pattern.compile("(\\w+)\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|\\S+)");
    private static final String FORMS = "give a JDBC URL (jdbc:postgresql://host:5432/db?user=u), a URI "
            + "(postgresql://user:password@host:5432/db) or a libpq string (dbname=db host=h user=u)";

    /** libpq parameters and the pgjdbc parameter each becomes (host, port and dbname go into the URL itself). */
    private static final Map<String, String> PARAMETERS = Map.ofEntries(
            Map.entry("user", "user"), Map.entry("password", "password"), Map.entry("sslmode", "sslmode"),
            Map.entry("sslcert", "sslcert"), Map.entry("sslkey", "sslkey"), Map.entry("sslrootcert", "sslrootcert"),
            Map.entry("sslpassword", "sslpassword"), Map.entry("connect_timeout", "connectTimeout"),
            Map.entry("application_name", "ApplicationName"), Map.entry("options", "options"),
            Map.entry("target_session_attrs", "targetServerType"), Map.entry("gssencmode", "gssEncMode"),
            Map.entry("keepalives", "tcpKeepAlive"), Map.entry("channel_binding", "channelBinding"));
    private static final List<String> URL_PARTS = List.of("host", "hostaddr", "port", "dbname");

    private ConnInfo() {
    }

    static String toJdbcUrl(String db) {
        String s = db.strip();
        if (s.startsWith("jdbc:postgresql:")) {
            return s;
        }
        if (s.startsWith("jdbc:")) {
            throw new CliException("cannot read the database '" + masked(s) + "': only jdbc:postgresql: URLs work; " + FORMS);
        }
        Map<String, String> kv = s.startsWith("postgresql://") || s.startsWith("postgres://") ? parseUri(s) : parse(s);
        return jdbc(kv, s);
    }

    /** {@code db} with its password replaced by {@code ****} (JDBC parameter, libpq key or URI user info). */
    static String masked(String db) {
        return db.replaceAll("(?i)(password=)('(?:[^'\\\\]|\\\\.)*'|[^&\\s]*)", "$1****")
                .replaceAll("(://[^:/@?]*:)[^@/?]*@", "$1****@");
    }

    private static String jdbc(Map<String, String> kv, String original) {
        List<String> hosts = List.of(kv.getOrDefault("host", kv.getOrDefault("hostaddr", "localhost")).split(",", -1));
        List<String> ports = List.of(kv.getOrDefault("port", "5432").split(",", -1));
        if (ports.size() != 1 && ports.size() != hosts.size()) {
            throw bad(original, hosts.size() + " hosts but " + ports.size() + " ports");
        }
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i).isEmpty() ? "localhost" : hosts.get(i);
            if (host.startsWith("/")) {
                throw bad(original, "a Unix-domain socket directory (" + host + ") is not supported by JDBC; give a "
                        + "host name such as localhost");
            }
            String port = ports.get(ports.size() == 1 ? 0 : i).isEmpty() ? "5432" : ports.get(ports.size() == 1 ? 0 : i);
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw bad(original, "port '" + port + "' is not a number from 1 to 65535");
            }
            url.append(i == 0 ? "" : ",").append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port);
        }
        url.append('/').append(URLEncoder.encode(kv.getOrDefault("dbname", kv.getOrDefault("user", "postgres")),
                StandardCharsets.UTF_8).replace("+", "%20"));
        String sep = "?";
        for (Map.Entry<String, String> e : kv.entrySet()) {
            if (URL_PARTS.contains(e.getKey())) {
                continue;
            }
            String jdbcKey = PARAMETERS.get(e.getKey());
            if (jdbcKey == null) {
                throw bad(original, "unknown parameter '" + e.getKey() + "'; known: host, port, dbname, "
                        + String.join(", ", new java.util.TreeSet<>(PARAMETERS.keySet())));
            }
            String value = jdbcKey.equals("targetServerType") ? targetServerType(e.getValue(), original) : e.getValue();
            url.append(sep).append(jdbcKey).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            sep = "&";
        }
        return url.toString();
    }

    private static String targetServerType(String libpq, String original) {
        return switch (libpq) {
            case "any" -> "any";
            case "read-write", "primary" -> "primary";
            case "read-only", "standby" -> "secondary";
            case "prefer-standby" -> "preferSecondary";
            default -> throw bad(original, "target_session_attrs '" + libpq + "' is not one of any, read-write, "
                    + "read-only, primary, standby, prefer-standby");
        };
    }

    /** {@code postgresql://[user[:password]@][host[:port][,...]][/dbname][?param=value&...]}. */
    private static Map<String, String> parseUri(String uri) {
        Map<String, String> kv = new LinkedHashMap<>();
        String rest = uri.substring(uri.indexOf("://") + 3);
        int query = rest.indexOf('?');
        String params = query < 0 ? null : rest.substring(query + 1);
        rest = query < 0 ? rest : rest.substring(0, query);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        if (slash >= 0 && slash < rest.length() - 1) {
            kv.put("dbname", decode(rest.substring(slash + 1), uri));
        }
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            int colon = userInfo.indexOf(':');
            putIfNotEmpty(kv, "user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon), uri));
            if (colon >= 0) {
                kv.put("password", decode(userInfo.substring(colon + 1), uri));
            }
            authority = authority.substring(at + 1);
        }
        hosts(authority, uri, kv);
        if (params != null && !params.isEmpty()) {
            for (String p : params.split("&")) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw bad(uri, "query parameter '" + p + "' is not name=value");
                }
                kv.put(decode(p.substring(0, eq), uri), decode(p.substring(eq + 1), uri));
            }
        }
        return kv;
    }

    private static void hosts(String authority, String uri, Map<String, String> kv) {
        List<String> hosts = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (String h : authority.split(",", -1)) {
            String host = h;
            String port = "";
            if (h.startsWith("[")) {
                int close = h.indexOf(']');
                if (close < 0) {
                    throw bad(uri, "'[' of an IPv6 address without ']'");
                }
                host = h.substring(1, close);
                String after = h.substring(close + 1);
                if (!after.isEmpty() && !after.startsWith(":")) {
                    throw bad(uri, "unexpected '" + after + "' after ']'");
                }
                port = after.isEmpty() ? "" : after.substring(1);
            } else if (h.contains(":")) {
                host = h.substring(0, h.indexOf(':'));
                port = h.substring(h.indexOf(':') + 1);
            }
            hosts.add(decode(host, uri));
            ports.add(port);
        }
        if (!authority.isEmpty()) {
            kv.put("host", String.join(",", hosts));
        }
        if (ports.stream().anyMatch(p -> !p.isEmpty())) {
            kv.put("port", String.join(",", ports));
        }
    }

    private static String decode(String s, String uri) {
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad(uri, "bad %-escape in '" + s + "'");
        }
    }

    private static void putIfNotEmpty(Map<String, String> kv, String key, String value) {
        if (!value.isEmpty()) {
            kv.put(key, value);
        }
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
            throw new CliException("cannot read the database '" + masked(conninfo) + "': " + FORMS);
        }
        return kv;
    }

    private static CliException bad(String original, String problem) {
        return new CliException("cannot read the database '" + masked(original) + "': " + problem);
    }
}
