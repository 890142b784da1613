package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProducerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static Pgq pgq;
    static TestDatabase db;

    @EventType("order.created")
    record OrderCreated(long orderId, Customer customer, List<Line> lines, Instant at, LocalDate due,
                        OffsetDateTime promised, Duration window, BigDecimal total, Optional<String> note) {
    }

    record Customer(String name, Map<String, String> tags) {
    }

    record Line(String sku, int quantity) {
    }

    /** Jackson cannot serialise this: its getter throws. */
    static final class Unserialisable {
        public String getValue() {
            throw new IllegalStateException("boom");
        }
    }

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        pgq = Pgq.create(PgqConfig.builder().dataSource(database.dataSource()).build());
    }

    @AfterAll
    static void stop() {
        pgq.close();
    }

    static QueueReader newQueue(String queue) throws SQLException {
        pgq.admin().createQueue(queue);
        return new QueueReader(db.dataSource(), queue, "reader").register();
    }

    static long count(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void outboxEventsRollBackAndCommitWithTheCallersTransaction() throws SQLException {
        QueueReader reader = newQueue("outbox");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            pgq.producer().send(c, "outbox", OutgoingEvent.of("order.created", "{\"rolled\":\"back\"}"));
            c.rollback();
            pgq.producer().send(c, "outbox", OutgoingEvent.of("order.created", "{\"committed\":true}"));
            c.commit();
        }
        List<QueueReader.Event> events = reader.drain();
        assertThat(events).extracting(QueueReader.Event::data).containsExactly("{\"committed\":true}");
        assertThat(reader.drain()).as("delivered once").isEmpty();
    }

    @Test
    void jooqTransactionCarriesTheEvents() throws SQLException {
        QueueReader reader = newQueue("outbox_jooq");
        var dsl = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        try {
            dsl.transaction(cfg -> {
                pgq.producer().send(DSL.using(cfg), "outbox_jooq", OutgoingEvent.of("t", "rolled back"));
                throw new IllegalStateException("business rule failed");
            });
        } catch (IllegalStateException expected) {
            // the transaction rolled back
        }
        dsl.transaction(cfg -> pgq.producer().sendAll(DSL.using(cfg), "outbox_jooq",
                List.of(OutgoingEvent.of("t", "one"), OutgoingEvent.of("t", "two"))));
        assertThat(reader.drain()).extracting(QueueReader.Event::data).containsExactly("one", "two");
    }

    @Test
    void typedPayloadSurvivesTheRoundTrip() throws SQLException {
        QueueReader reader = newQueue("typed");
        OrderCreated order = new OrderCreated(42, new Customer("Zoë Ådalsbråten 日本 🚀", Map.of("tier", "gold")),
                List.of(new Line("sku-1", 2), new Line("sku-ü", 1)),
                Instant.parse("2026-11-25T10:15:30.123456Z"), LocalDate.of(2027, 2, 28),
                OffsetDateTime.of(2026, 12, 24, 18, 0, 0, 0, ZoneOffset.ofHoursMinutes(5, 45)),
                Duration.ofMinutes(90), new BigDecimal("1234.50"), Optional.of("leave at the door"));

        long id = pgq.producer().send("typed", order);

        List<QueueReader.Event> events = reader.drain();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).id()).isEqualTo(id);
        assertThat(events.get(0).type()).isEqualTo("order.created");
        assertThat(pgq.decode(events.get(0).data(), OrderCreated.class)).isEqualTo(order);
    }

    @Test
    void extraFieldsAndRawStringsArriveAsSent() throws SQLException {
        QueueReader reader = newQueue("extras");
        pgq.producer().send("extras", OutgoingEvent.builder("raw").payload("not json, sent as is\ttab\\")
                .extra1("e1").extra2(null).extra3("e3 ü").extra4("").build());
        pgq.producer().send("extras", "nullpayload", null);

        assertThat(reader.drain())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("id")
                .containsExactly(
                        new QueueReader.Event(0, "raw", "not json, sent as is\ttab\\", "e1", null, "e3 ü", "", null),
                        new QueueReader.Event(0, "nullpayload", null, null, null, null, null, null));
    }

    @Test
    void sendAllReturnsIdsInOrderAndCommitsTogether() throws SQLException {
        QueueReader reader = newQueue("many");
        List<OutgoingEvent> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(OutgoingEvent.of("n", Integer.toString(i)));
        }
        long[] ids = pgq.producer().sendAll("many", batch);
        assertThat(ids).hasSize(1000).isSorted();
        List<QueueReader.Event> events = reader.drain();
        assertThat(events).extracting(QueueReader.Event::data).containsExactlyElementsOf(
                batch.stream().map(e -> (String) e.payload()).toList());
        assertThat(events).extracting(QueueReader.Event::id).containsExactly(java.util.Arrays.stream(ids).boxed().toArray(Long[]::new));
    }

    @Test
    void badInputGetsAClearErrorAndWritesNothing() throws SQLException {
        pgq.admin().createQueue("strict");
        long before = count("SELECT count(*) FROM pgq.event_template");

        assertThatThrownBy(() -> pgq.producer().send("no_such_queue", "t", "x"))
                .isInstanceOf(UnknownQueueException.class).hasMessageContaining("no_such_queue");
        assertThatThrownBy(() -> pgq.producer().send(null, "t", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue name must not be null");
        assertThatThrownBy(() -> pgq.producer().send("", "t", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid queue name ''");
        assertThatThrownBy(() -> pgq.producer().send("strict'; DROP TABLE pgq.queue; --", "t", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid queue name");
        assertThatThrownBy(() -> pgq.producer().send("strict", "", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event type must not be blank");
        assertThatThrownBy(() -> pgq.producer().send("strict", "t", new Unserialisable()))
                .isInstanceOf(PayloadException.class)
                .hasMessageContaining("Unserialisable").hasMessageContaining("nothing was sent")
                .hasMessageContaining("queue: strict");
        assertThatThrownBy(() -> pgq.producer().sendAll("strict",
                List.of(OutgoingEvent.of("t", "fine"), OutgoingEvent.of("t", new Unserialisable()))))
                .isInstanceOf(PayloadException.class);
        assertThatThrownBy(() -> pgq.producer().send("strict", new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("@EventType");

        assertThat(count("SELECT count(*) FROM pgq.event_template")).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM pgq.queue WHERE queue_name = 'strict'")).isEqualTo(1);
    }

    @Test
    void loneSurrogatesAreRefusedWithTheirPositionAndNothingIsWritten() throws SQLException {
        QueueReader reader = newQueue("utf16");
        long before = count("SELECT count(*) FROM pgq.event_template");
        String lone = "ab\ud800cd";
        assertThatThrownBy(() -> pgq.producer().send("utf16", "t", lone))
                .isInstanceOf(PayloadException.class)
                .hasMessageContaining("event data has a lone UTF-16 surrogate U+D800 at index 2")
                .hasMessageContaining("nothing was sent").hasMessageContaining("queue: utf16");
        assertThatThrownBy(() -> pgq.producer().send("utf16", "t", new Customer("x\udc00", Map.of())))
                .isInstanceOf(PayloadException.class).hasMessageContaining("U+DC00 at index 10");
        assertThatThrownBy(() -> pgq.producer().sendAll("utf16", List.of(OutgoingEvent.of("t", "fine"),
                OutgoingEvent.builder("t").payload("fine").extra2("\ud83d").build())))
                .isInstanceOf(PayloadException.class).hasMessageContaining("extra2 has a lone UTF-16 surrogate");
        assertThatThrownBy(() -> pgq.producer().copy("utf16", List.of(OutgoingEvent.of("t", "fine"),
                OutgoingEvent.of("t", "end\ud83d"))))
                .isInstanceOf(PayloadException.class).hasMessageContaining("index 3");
        assertThat(count("SELECT count(*) FROM pgq.event_template")).isEqualTo(before);

        String pair = "smile \ud83d\ude00";   // a whole pair is fine
        pgq.producer().send("utf16", "t", pair);
        assertThat(reader.drain()).extracting(QueueReader.Event::data).containsExactly(pair);
    }

    @Test
    void metricsCountEventsAndErrors() {
        pgq.admin().createQueue("metered");
        pgq.producer().send("metered", "t", "a");
        pgq.producer().sendAll("metered", List.of(OutgoingEvent.of("t", "b"), OutgoingEvent.of("t", "c")));
        assertThatThrownBy(() -> pgq.producer().send("metered", "t", new Unserialisable()));

        assertThat(pgq.metrics().meter(PgqMetrics.producerEvents("metered")).getCount()).isEqualTo(3);
        assertThat(pgq.metrics().timer(PgqMetrics.producerSend("metered")).getCount()).isEqualTo(2);
        assertThat(pgq.metrics().histogram(PgqMetrics.producerBatchSize("metered")).getSnapshot().getMax()).isEqualTo(2);
    }

    @Test
    void typedInstantsKeepMicrosecondsAcrossTimeZones() throws SQLException {
        QueueReader reader = newQueue("instants");
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        pgq.producer().send("instants", "tick", Map.of("at", at));
        assertThat(reader.drain().get(0).data()).contains(at.toString());
    }
}
