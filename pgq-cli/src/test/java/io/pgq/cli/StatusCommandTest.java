package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgq.consumer.DeadLetters;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.QueueSettings;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code pgq status}: ticker line, retry queue, dead letters, lag, the no-ticker warning, escaping, JSON. */
@ExtendWith(PostgresExtension.class)
class StatusCommandTest {

    private TestDatabase db;
    private Pgq pgq;

    @BeforeEach
    void setUp(TestDatabase db) throws SQLException {
        this.db = db;
        PgqSchema.install(db.dataSource());
        pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).build());
        sql("SELECT pgq.drop_queue(queue_name, true) FROM pgq.queue");
    }

    @AfterEach
    void close() {
        pgq.close();
    }

    @Test
    void showsLagRetriesDeadLettersWithTheirQueueAndWarnsWhenNoTickerRuns() throws Exception {
        pgq.admin().createQueue("orders", QueueSettings.builder().tickerMaxCount(1).tickerMaxLag(Duration.ofSeconds(1)).build());
        new DeadLetters(pgq).createQueue("orders.dlq");
        pgq.admin().registerConsumer("orders", "billing");
        pgq.admin().registerConsumer("orders", "audit");
        for (int i = 0; i < 3; i++) {
            pgq.producer().send("orders", "order", "{\"n\":" + i + "}");
        }
        pgq.producer().send("orders.dlq", "order", "{}");
        sql("SELECT pgq.ticker('orders')");
        // billing takes the batch and sends one event to the retry queue; audit reads nothing
        sql("SELECT pgq.next_batch('orders', 'billing')");
        sql("SELECT pgq.event_retry(b.sub_batch, (SELECT min(ev_id) FROM pgq.get_batch_events(b.sub_batch)), 3600) "
                + "FROM pgq.subscription b WHERE b.sub_batch IS NOT NULL");
        // the events are five minutes old; one more arrives and no tick follows for three minutes
        sql("UPDATE pgq.event_template SET ev_time = now() - interval '5 minutes'");
        pgq.producer().send("orders", "order", "{\"n\":3}");
        sql("UPDATE pgq.tick SET tick_time = tick_time - interval '3 minutes'");

        CliTest.Run r = CliTest.run(null, "status", "--db", CliTest.url(db));

        assertThat(r.exitCode()).as(r.err()).isZero();
        String out = r.out();
        assertThat(out).contains("Ticker: no leader").contains("last tick 3m ago")
                .contains("WARNING: no ticker seems to run on database " + db.name())
                .contains("queue orders has 1 new events and no tick for 3m; start `pgq ticker`");
        assertThat(row(out, "orders +2 .*")).matches("orders +2 +3m +[-0-9.]+ +1 +1 +1 in orders.dlq +.* ago +3, writing #1 +no");
        assertThat(out.lines().filter(l -> l.startsWith("orders.dlq"))).as("the dead-letter queue has no row").isEmpty();
        assertThat(out).doesNotContain(DeadLetters.RESEND_CONSUMER);
        assertThat(row(out, "orders +audit .*")).matches("orders +audit +(5m|6m) +[23] +0 .*");
        assertThat(row(out, "orders +billing .*")).matches("orders +billing +(5m|6m) +[23] +1 .*");

        JsonNode json = new ObjectMapper().readTree(CliTest.run(null, "status", "--json", "--db", CliTest.url(db)).out());
        assertThat(json.get("database").asText()).isEqualTo(db.name());
        assertThat(json.get("ticker").get("leader").isNull()).isTrue();
        assertThat(json.get("warnings").get(0).asText()).startsWith("no ticker seems to run on database");
        JsonNode orders = json.get("queues").get(0);
        assertThat(orders.get("name").asText()).isEqualTo("orders");
        assertThat(orders.get("retryQueue").asLong()).isEqualTo(1);
        assertThat(orders.get("deadLetterQueue").asText()).isEqualTo("orders.dlq");
        assertThat(orders.get("deadLetters").asLong()).isEqualTo(1);
        assertThat(json.get("queues")).hasSize(1);
        JsonNode billing = json.get("consumers").get(1);
        assertThat(billing.get("consumer").asText()).isEqualTo("billing");
        assertThat(billing.get("lagSeconds").asDouble()).isBetween(299.0, 420.0);
        assertThat(billing.get("retries").asLong()).isEqualTo(1);
    }

    @Test
    void aCaughtUpConsumerHasNoLagAndTheTickerLineNamesLeaderAndStandby() throws SQLException {
        pgq.admin().createQueue("idle", QueueSettings.builder().tickerMaxCount(1).build());
        pgq.admin().registerConsumer("idle", "reader");
        pgq.producer().send("idle", "t", "x");
        sql("UPDATE pgq.event_template SET ev_time = now() - interval '5 minutes'");
        sql("SELECT pgq.ticker('idle')");
        // the consumer handled its event five minutes after it came: it is idle now, not late
        sql("SELECT pgq.next_batch('idle', 'reader')");
        sql("SELECT pgq.finish_batch(sub_batch) FROM pgq.subscription WHERE sub_batch IS NOT NULL");

        try (Ticker leader = Ticker.builder("one", db.dataSource()).config(TickerConfig.defaults()).metrics(new MetricRegistry()).build();
             Ticker standby = Ticker.builder("two", db.dataSource()).config(TickerConfig.defaults()).metrics(new MetricRegistry()).build()) {
            leader.start();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(leader::isLeader);
            standby.start();
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    CliTest.run(null, "status", "--db", CliTest.url(db)).out()).contains("; 1 standby pid "));
            String out = CliTest.run(null, "status", "--db", CliTest.url(db)).out();
            assertThat(out).containsPattern("Ticker: leader pid \\d+ \\([^)]*pgq-ticker\\); 1 standby pid \\d+")
                    .doesNotContain("WARNING");
            assertThat(row(out, "idle +reader .*")).matches("idle +reader +0ms +0 +0 .*");
        }
    }

    @Test
    void namesWithControlCharactersAreShownEscaped() throws SQLException {
        // the Java API refuses such names; SQL and other clients do not
        sql("SELECT pgq.create_queue(E'evil\\x1b[31mred' || chr(8238))");
        sql("SELECT pgq.register_consumer(E'evil\\x1b[31mred' || chr(8238), E'c\\rx')");

        String out = CliTest.run(null, "status", "--db", CliTest.url(db)).out();

        assertThat(out).contains("evil\\x1b[31mred\\u202e").contains("c\\rx").doesNotContain("\u001b").doesNotContain("\r");
        assertThat(CliTest.run(null, "status", "--json", "--db", CliTest.url(db)).out()).contains("evil\\u001B[31mred")
                .doesNotContain("\u001b");
    }

    private static String row(String out, String regex) {
        return out.lines().filter(l -> l.matches(regex)).findFirst()
                .orElseThrow(() -> new AssertionError("no line matching '" + regex + "' in:\n" + out));
    }

    private void sql(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
