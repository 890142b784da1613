package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code pgq demo --duration} runs to the end on a real database, then the dead letter can be re-sent. */
@ExtendWith(PostgresExtension.class)
class DemoCommandTest {

    @Test
    void demoRunsForItsDurationAndLeavesOneDeadLetter(TestDatabase db) {
        CliTest.Run demo = CliTest.run(null, "demo", "--duration", "9s", "--rate", "100", "--keep", "--db", CliTest.url(db));

        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.out()).contains("consumer group billing with 3 members").contains("Summary: sent ")
                .contains("dead-lettered 1,");
        List<String> live = demo.out().lines().filter(l -> l.matches(" *\\d+s  sent .*")).toList();
        assertThat(live).hasSizeGreaterThanOrEqualTo(5);
        for (String line : live) {
            Matcher m = Pattern.compile("sent +(\\d+) .*delivered +(\\d+) .*in flight +(\\d+) +retried +(\\d+) +"
                    + "dead-lettered (\\d+) ").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            long sent = Long.parseLong(m.group(1));
            assertThat(Long.parseLong(m.group(2)) + Long.parseLong(m.group(5))).as(line).isLessThanOrEqualTo(sent);
            assertThat(Long.parseLong(m.group(2)) + Long.parseLong(m.group(3)) + Long.parseLong(m.group(5))).as(line)
                    .isEqualTo(sent);
        }
        Matcher summary = Pattern.compile("Summary: sent (\\d+) orders: delivered (\\d+), dead-lettered (\\d+), in flight "
                + "at the stop (\\d+) ").matcher(demo.out());
        assertThat(summary.find()).isTrue();
        assertThat(Long.parseLong(summary.group(2)) + Long.parseLong(summary.group(3)) + Long.parseLong(summary.group(4)))
                .isEqualTo(Long.parseLong(summary.group(1)));
        assertThat(demo.out()).contains("topic demo_payments: member-3 joins group shipping")
                .contains("topic demo_payments: member-3 now handles partitions")
                .contains("topic demo_payments: member-2 leaves group shipping")
                .contains("topic demo_payments: member-2 hands over partitions")
                .contains("pgq topic drop demo_payments --force --db '" + CliTest.url(db) + "'");
        List<String> topicLines = demo.out().lines().filter(l -> l.matches(" *topic demo_payments  sent .*")).toList();
        assertThat(topicLines).hasSizeGreaterThanOrEqualTo(5);
        for (String line : topicLines) {
            Matcher m = Pattern.compile("sent +(\\d+) +handled +(\\d+) +in flight +(\\d+) +out of order (\\d+) ").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            assertThat(Long.parseLong(m.group(2)) + Long.parseLong(m.group(3))).as(line).isEqualTo(Long.parseLong(m.group(1)));
            assertThat(m.group(4)).as(line).isEqualTo("0");
        }
        assertThat(demo.out()).containsPattern("Topic summary: sent \\d+ payments, handled \\d+, in flight at the stop \\d+, out of order 0");
        // a flaky order (every 97th) fails twice and is then delivered: retried at least twice, the poison one twice
        assertThat(demo.out()).containsPattern("retried ([4-9]|\\d\\d+) times");
        assertThat(demo.out()).contains("Left in the database: queue(s) demo_orders, demo_orders.dlq with their consumers.")
                .contains("pgq queue drop demo_orders.dlq --force --db '" + CliTest.url(db) + "'");

        try (Ticker ticker = Ticker.builder("dlq", db.dataSource()).config(TickerConfig.defaults()).metrics(new MetricRegistry()).build()) {
            ticker.start();
            CliTest.Run list = CliTest.run(null, "dlq", "list", "demo_orders.dlq", "--db", CliTest.url(db));
            assertThat(list.out()).contains("demo_orders").contains("order.placed").contains("\"orderId\":100");
            assertThat(CliTest.run(null, "dlq", "list", "demo_orders.dlq", "--verbose", "--db", CliTest.url(db)).out())
                    .contains("order 100 has an invalid amount");
            // resend reads what was ticked when it starts: retry until the ticker has ticked the dead letter
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2)).untilAsserted(() ->
                    assertThat(CliTest.run(null, "dlq", "resend", "demo_orders.dlq", "--db", CliTest.url(db)).out())
                            .contains("Re-sent 1 dead letters; 0 kept in demo_orders.dlq"));
        }
    }

    @Test
    void withoutKeepTheDemoDropsTheQueuesItCreatedButNotOnesThatWereThere(TestDatabase db) {
        CliTest.run(null, "install", "--db", CliTest.url(db));
        CliTest.run(null, "queue", "drop", "demo_orders", "--force", "--db", CliTest.url(db)); // the other test's --keep
        CliTest.run(null, "queue", "create", "demo_orders.dlq", "--db", CliTest.url(db));

        CliTest.Run demo = CliTest.run(null, "demo", "--duration", "3s", "--rate", "20", "--db", CliTest.url(db));

        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.out()).contains("Dropped the demo's queue demo_orders and its consumers.")
                .contains("Queue demo_orders.dlq existed before the demo started and was left as it is.")
                .contains("Left in the database: queue(s) demo_orders.dlq with their consumers.");
        CliTest.Run status = CliTest.run(null, "status", "--db", CliTest.url(db));
        assertThat(status.out()).contains("demo_orders.dlq").doesNotContain("billing");
    }
}
