package io.pgq.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.PgqConsumer;
import io.pgq.consumer.RetryPolicy;
import io.pgq.consumer.TopicConsumer;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.core.Health;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.PgqException;
import io.pgq.core.QueueSettings;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics and /health of an application with a producer, a consumer and a ticker, over real HTTP. */
class PgqMetricsServerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAndHealthOfAnApplication(TestDatabase db) throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        metrics.counter("app.orders.placed").inc(7);
        AtomicReference<Health> extra = new AtomicReference<>(Health.healthy("fine"));
        try (Pgq pgq = Pgq.create(PgqConfig.builder().jdbcUrl(db.jdbcUrl()).username(db.user()).password(db.password())
                     .installSchema(false).metricRegistry(metrics).build());
             Ticker ticker = Ticker.builder("app", pgq.dataSource()).config(TickerConfig.builder().build()).metrics(metrics).build()) {
            ticker.start();
            pgq.admin().createQueue("orders", QueueSettings.builder().tickerMaxLag(Duration.ZERO).build());
            try (PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("orders", "billing")
                    .retryPolicy(RetryPolicy.none()).build()).otherwise(e -> e.payload().equals("bad")
                    ? Outcome.deadLetter("bad order") : Outcome.done()).build()) {
                consumer.start();
                // tag::server[]
                PgqMetricsServer server = PgqMetricsServer.builder(pgq.metrics())   // the application's registry
                        .port(0)                                                     // 0: any free port
                        .health("consumer orders/billing", consumer::health)
                        .health("ticker app", () -> ticker.isHealthy()
                                ? Health.healthy("ticker " + ticker.role())
                                : Health.unhealthy("ticker cannot reach the database"))
                        .start();
                // end::server[]
                try (server) {
                    int port = server.port();
                    pgq.producer().send("orders", "order.created", "good");
                    pgq.producer().send("orders", "order.created", "bad");
                    await().atMost(Duration.ofSeconds(30)).until(() -> metrics.meter(
                            "pgq.consumer.orders.billing.dead-letters").getCount() == 1);

                    HttpResponse<String> scrape = get(port, "/metrics");
                    assertThat(scrape.statusCode()).isEqualTo(200);
                    assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                            t -> assertThat(t).startsWith("text/plain"));
                    String text = scrape.body();
                    assertThat(text).contains("# TYPE pgq_producer_events_total counter")
                            .contains("pgq_producer_events_total{queue=\"orders\"} 2.0")
                            .contains("pgq_consumer_dead_letters_total{consumer=\"billing\",queue=\"orders\"} 1.0")
                            .contains("pgq_consumer_events_total{consumer=\"billing\",queue=\"orders\"}")
                            .contains("pgq_consumer_healthy{consumer=\"billing\",queue=\"orders\"} 1.0")
                            .contains("pgq_consumer_event_lag_seconds{consumer=\"billing\",queue=\"orders\"}")
                            .contains("pgq_consumer_lag_seconds{consumer=\"billing\",queue=\"orders\"}")
                            .contains("pgq_producer_send{queue=\"orders\",quantile=\"0.99\"}")
                            .contains("pgq_ticker_ticks_total{db=\"app\"}")
                            .contains("pgq_ticker_leader{db=\"app\"} 1.0")
                            .contains("app_orders_placed_total 7.0");

                    for (String name : DocsTest.alertMetrics()) {
                        assertThat(text).as("the documented alerts use %s", name).contains("# TYPE " + name + " ");
                    }
                    for (String line : DocsTest.operations().split("\n")) {
                        if (line.startsWith("| `pgq_") && !line.startsWith("| `pgq_topic_")) {   // topics: below
                            String name = line.substring(3, line.indexOf('`', 3));
                            assertThat(text).as("the documented metric %s", name).contains("# TYPE " + name + " ");
                        }
                    }

                    HttpResponse<String> up = get(port, "/health");
                    assertThat(up.statusCode()).isEqualTo(200);
                    assertThat(up.headers().firstValue("Content-Type")).contains("application/json");
                    JsonNode upJson = new ObjectMapper().readTree(up.body());
                    assertThat(upJson.path("status").asText()).isEqualTo("UP");
                    assertThat(upJson.path("checks").path("consumer orders/billing").path("healthy").asBoolean()).isTrue();
                    assertThat(upJson.path("checks").path("ticker app").path("reason").asText()).isEqualTo("ticker LEADER");

                    consumer.close();
                    HttpResponse<String> down = get(port, "/health");
                    assertThat(down.statusCode()).isEqualTo(503);
                    JsonNode downJson = new ObjectMapper().readTree(down.body());
                    assertThat(downJson.path("status").asText()).isEqualTo("DOWN");
                    assertThat(downJson.path("checks").path("consumer orders/billing").path("reason").asText())
                            .isEqualTo("consumer billing of queue orders is STOPPED");
                    assertThat(downJson.path("checks").path("ticker app").path("healthy").asBoolean()).isTrue();
                }
                assertThatThrownBy(() -> get(server.port(), "/health")).as("closed").isInstanceOf(java.io.IOException.class);
            }
        }
    }

    @Test
    void topicPartitionsAndMembersHaveLabels(TestDatabase db) throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        try (Pgq pgq = Pgq.create(PgqConfig.builder().jdbcUrl(db.jdbcUrl()).username(db.user()).password(db.password())
                     .installSchema(false).metricRegistry(metrics).build())) {
            pgq.topics().createTopic("shop", 2);
            try (TopicConsumer member = TopicConsumer.builder(pgq, TopicConsumerConfig.builder("shop", "billing")
                         .memberId("m1").build()).otherwise(e -> Outcome.done()).build();
                 PgqMetricsServer server = PgqMetricsServer.builder(metrics).host("127.0.0.1").port(0).start()) {
                member.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> member.partitions().size() == 2);
                String text = get(server.port(), "/metrics").body();
                for (int p = 0; p < 2; p++) {
                    String labels = "{group=\"billing\",partition=\"" + p + "\",topic=\"shop\"}";
                    assertThat(text).contains("pgq_topic_partition_pending_events" + labels + " 0.0")
                            .contains("pgq_topic_partition_lag_seconds" + labels)
                            .contains("pgq_topic_partition_event_lag_seconds" + labels);
                }
                assertThat(text).contains("pgq_topic_member_partitions{group=\"billing\",member=\"m1\",topic=\"shop\"} 2.0")
                        .contains("pgq_topic_member_events_total{group=\"billing\",member=\"m1\",topic=\"shop\"} 0.0")
                        .contains("# TYPE pgq_topic_member_dead_letters_total counter")
                        .contains("# TYPE pgq_topic_member_rebalances_total counter")
                        .contains("# TYPE pgq_topic_member_lost_total counter");
                for (String line : DocsTest.operations().split("\n")) {
                    if (line.startsWith("| `pgq_topic_")) {
                        String name = line.substring(3, line.indexOf('`', 3));
                        assertThat(text).as("the documented metric %s", name).contains("# TYPE " + name + " ");
                    }
                }
            }
        }
    }

    @Test
    void aCheckThatThrowsIsUnhealthyAndABusyPortIsAClearError() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        try (PgqMetricsServer server = PgqMetricsServer.builder(metrics).host("127.0.0.1").port(0)
                .health("broken", () -> {
                    throw new IllegalStateException("no idea");
                }).start()) {
            HttpResponse<String> response = get(server.port(), "/health");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(new ObjectMapper().readTree(response.body()).path("checks").path("broken").path("reason").asText())
                    .isEqualTo("the check failed: java.lang.IllegalStateException: no idea");
            assertThat(get(server.port(), "/metrics").statusCode()).isEqualTo(200);

            assertThatThrownBy(() -> PgqMetricsServer.builder(metrics).host("127.0.0.1").port(server.port()).start())
                    .isInstanceOf(PgqException.class)
                    .hasMessageContaining("Cannot serve metrics on 127.0.0.1:" + server.port())
                    .hasMessageContaining("choose another port");
        }
        assertThatThrownBy(() -> PgqMetricsServer.builder(metrics).start()).hasMessage("set the port (0 for any free one)");
    }
}
