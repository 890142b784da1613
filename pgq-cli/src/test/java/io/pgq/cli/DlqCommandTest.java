package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.consumer.DeadLetters;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code pgq dlq list|delete|purge} on a real dead-letter queue. */
@ExtendWith(PostgresExtension.class)
class DlqCommandTest {

    private TestDatabase db;
    private Pgq pgq;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        PgqSchema.install(db.dataSource());
        pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).build());
        pgq.admin().createQueue("orders");
        new DeadLetters(pgq).createQueue("orders.dlq");
        for (int i = 1; i <= 3; i++) {
            deadLetter(i, "{\"orderId\":" + i + ",\"note\":\"" + "x".repeat(80) + "\"}");
        }
    }

    @AfterEach
    void tearDown() {
        pgq.admin().dropQueue("orders.dlq", true);
        pgq.admin().dropQueue("orders", true);
        pgq.close();
    }

    @Test
    void listShowsPayloadsShortAndInFullWithVerbose() {
        CliTest.Run list = CliTest.run(null, "dlq", "list", "orders.dlq", "--db", CliTest.url(db));
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("DATA").contains("{\"orderId\":1,\"note\":\"xxx").contains("...")
                .contains("payment declined for order 1");

        CliTest.Run full = CliTest.run(null, "dlq", "list", "orders.dlq", "--verbose", "--db", CliTest.url(db));
        assertThat(full.out()).contains("dead letter ").contains("  data:      {\"orderId\":2,\"note\":\"" + "x".repeat(80) + "\"}")
                .contains("  retries:   2").contains("  reason:    payment declined for order 3");
    }

    @Test
    void deleteRemovesOneAndPurgeTheRest() {
        long first = firstId();
        CliTest.Run delete = CliTest.run(null, "dlq", "delete", "orders.dlq", "--id", Long.toString(first), "--db", CliTest.url(db));
        assertThat(delete.out()).isEqualTo("Deleted dead letter " + first + " from orders.dlq\n");
        assertThat(CliTest.run(null, "dlq", "list", "orders.dlq", "--db", CliTest.url(db)).out())
                .doesNotContain("order 1").contains("order 2").contains("order 3");

        CliTest.Run again = CliTest.run(null, "dlq", "delete", "orders.dlq", "--id", Long.toString(first), "--db", CliTest.url(db));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no dead letter " + first + " waiting in orders.dlq");

        assertThat(CliTest.run(null, "dlq", "purge", "orders.dlq", "--db", CliTest.url(db)).out())
                .isEqualTo("Deleted 2 dead letters from orders.dlq\n");
        assertThat(CliTest.run(null, "dlq", "list", "orders.dlq", "--db", CliTest.url(db)).out())
                .isEqualTo("(no dead letters in orders.dlq)\n");
    }

    @Test
    void aQueueThatIsNotADeadLetterQueueIsNamedSoWithTheOneToUse() {
        for (String cmd : new String[] {"list", "purge", "resend"}) {
            CliTest.Run r = CliTest.run(null, "dlq", cmd, "orders", "--db", CliTest.url(db));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("pgq: orders is not a dead-letter queue (it has no pgq-resend consumer); its "
                    + "dead letters are in orders.dlq: pgq dlq list orders.dlq\n");
        }
        CliTest.Run r = CliTest.run(null, "dlq", "list", "nosuch", "--db", CliTest.url(db));
        assertThat(r.err()).isEqualTo("pgq: no such queue: nosuch\n");
    }

    private long firstId() {
        String out = CliTest.run(null, "dlq", "list", "orders.dlq", "--db", CliTest.url(db)).out();
        return Long.parseLong(out.lines().skip(1).findFirst().orElseThrow().split(" +")[0]);
    }

    private void deadLetter(int n, String data) {
        String reason = "payment declined for order " + n;
        String envelope = "{\"queue\":\"orders\",\"consumer\":\"billing\",\"eventId\":" + (100 + n)
                + ",\"type\":\"order.placed\",\"data\":" + quote(data) + ",\"retryCount\":2,\"reason\":\"" + reason
                + "\",\"failedAt\":\"2026-01-01T00:00:00Z\",\"eventTime\":\"2026-01-01T00:00:00Z\"}";
        pgq.producer().send("orders.dlq", OutgoingEvent.builder("order.placed").payload(envelope).extra1("orders")
                .extra2("billing").extra3(Long.toString(100 + n)).extra4(reason).build());
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
