package io.pgq.prometheus.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.pgq.core.Health;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /health}: 200 {@code {"status":"UP","checks":{...}}} when every check is healthy,
 * else 503 with {@code "status":"DOWN"}. Each check: {@code {"healthy":true,"reason":"..."}};
 * a check that throws is unhealthy with the exception as its reason. Thread-safe.
 */
public final class HealthHandler implements HttpHandler {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Map<String, Supplier<Health>> checks;

    public HealthHandler(Map<String, Supplier<Health>> checks) {
        this.checks = new TreeMap<>(checks);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            ObjectNode body = JSON.createObjectNode();
            ObjectNode results = JSON.createObjectNode();
            boolean up = true;
            for (Map.Entry<String, Supplier<Health>> check : checks.entrySet()) {
                Health h = run(check.getValue());
                up &= h.healthy();
                results.putObject(check.getKey()).put("healthy", h.healthy()).put("reason", h.reason());
            }
            body.put("status", up ? "UP" : "DOWN");
            body.set("checks", results);
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(up ? 200 : 503, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private static Health run(Supplier<Health> check) {
        try {
            Health h = check.get();
            return h != null ? h : Health.unhealthy("the check returned no health");
        } catch (RuntimeException e) {
            return Health.unhealthy("the check failed: " + e);
        }
    }
}
