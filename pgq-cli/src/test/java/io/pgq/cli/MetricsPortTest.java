package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code --metrics-port} of ticker, tail and demo: real HTTP requests to /metrics and /health of real processes. */
@ExtendWith(PostgresExtension.class)
class MetricsPortTest {

    private static final Pattern PORT = Pattern.compile("Serving /metrics and /health on port (\\d+)");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void tickerServesItsMetricsAndHealth(TestDatabase db) throws Exception {
        PgqSchema.install(db.dataSource());
        try (CliProcess ticker = CliProcess.start("metrics-ticker", "ticker", "--metrics-port", "0", "--db", CliTest.url(db))) {
            int port = port(ticker);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(get(port, "/metrics").body()).contains("pgq_ticker_ticks_total{db=\"" + db.name() + "\"}")
                            .contains("pgq_ticker_leader{db=\"" + db.name() + "\"} 1.0"));
            HttpResponse<String> health = get(port, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("ticker " + db.name()).contains("LEADER on database");
            ticker.signal("TERM");
        }
    }

    @Test
    void anUnreachableDatabaseMakesTheTickersHealth503WithTheReason() throws Exception {
        try (CliProcess ticker = CliProcess.start("metrics-unreachable", "ticker", "--metrics-port", "0",
                "--unhealthy-after", "1s", "--keep-running-when-unhealthy",
                "--db", "jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=1")) {
            int port = port(ticker);
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> health = get(port, "/health");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("\"status\":\"DOWN\"")
                        .contains("cannot reach database 127.0.0.1:1/nowhere for more than 1.0s");
            });
            ticker.signal("TERM");
        }
    }

    @Test
    void tailAndDemoServeMetricsAndHealth(TestDatabase db) throws Exception {
        CliProcess.assumeReceivable("INT");
        PgqSchema.install(db.dataSource());
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).build())) {
            pgq.admin().createQueue("watched");
        }
        try (CliProcess tail = CliProcess.start("metrics-tail", "tail", "watched", "--metrics-port", "0", "--db", CliTest.url(db))) {
            int port = port(tail);
            HttpResponse<String> health = get(port, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("following queue watched as pgq-tail-" + tail.pid());
            assertThat(get(port, "/metrics").body())
                    .contains("pgq_consumer_events_total{consumer=\"pgq-tail-" + tail.pid() + "\",queue=\"watched\"} 0.0");
            tail.signal("INT");
        }
        try (CliProcess demo = CliProcess.start("metrics-demo", "demo", "--rate", "20", "--metrics-port", "0", "--db", CliTest.url(db))) {
            int port = port(demo);
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(get(port, "/metrics").body()).containsPattern(
                        "pgq_consumer_events_total\\{consumer=\"billing\",queue=\"demo_orders\"} [1-9]");
                HttpResponse<String> health = get(port, "/health");
                assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
                assertThat(health.body()).contains("\"ticker\"").contains("consumer billing");
            });
            demo.signal("TERM");
        }
    }

    @Test
    void aBadPortIsRefusedBeforeConnecting() {
        CliTest.Run r = CliTest.run(null, "tail", "q", "--metrics-port", "70000", "--db", "jdbc:postgresql://127.0.0.1:1/x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("pgq: --metrics-port must be a port number from 0 to 65535, got 70000\n");
    }

    private static int port(CliProcess p) {
        AtomicInteger port = new AtomicInteger();
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Matcher m = PORT.matcher(p.output());
            assertThat(m.find()).as("the process says its port; output so far: %s", p.output()).isTrue();
            port.set(Integer.parseInt(m.group(1)));
        });
        return port.get();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
