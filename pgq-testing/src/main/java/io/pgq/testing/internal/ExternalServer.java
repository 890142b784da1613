package io.pgq.testing.internal;

import io.pgq.testing.ServerKind;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** A server given by a JDBC URL such as {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}. */
final class ExternalServer implements TestServer {

    private final String hostPort;
    private final String adminDatabase;
    private final String user;
    private final String password;
    private final String otherParameters;

    ExternalServer(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("PGQ_TEST_JDBC_URL must start with jdbc:postgresql://, got: "
                    + UrlMasking.mask(jdbcUrl));
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        this.hostPort = uri.getRawAuthority();
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        this.adminDatabase = path.isEmpty() ? "postgres" : path;
        Map<String, String> params = parseQuery(uri.getRawQuery());
        String envUser = System.getenv("PGUSER");
        this.user = params.containsKey("user") ? params.remove("user") : (envUser != null ? envUser : "postgres");
        this.password = params.containsKey("password") ? params.remove("password") : System.getenv("PGPASSWORD");
        StringBuilder rest = new StringBuilder();
        params.forEach((k, v) -> rest.append(rest.length() == 0 ? "?" : "&").append(k).append('=').append(v));
        this.otherParameters = rest.toString();
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return params;
    }

    @Override
    public ServerKind kind() {
        return ServerKind.EXTERNAL;
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + hostPort + "/" + database + otherParameters;
    }

    @Override
    public String adminDatabase() {
        return adminDatabase;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String describe() {
        return "external server " + hostPort + " (PGQ_TEST_JDBC_URL), user " + user;
    }
}
