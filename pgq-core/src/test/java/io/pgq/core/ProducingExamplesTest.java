package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;

// tag::imports[]
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.pgq.core.EventType;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.PgqModule;
import io.pgq.core.Producer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
// end::imports[]
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The examples of docs/producing.md, run as a test. The regions between {@code tag::} and
 * {@code end::} comments appear verbatim in the document ({@link DocsTest} checks that).
 */
class ProducingExamplesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    // tag::payload[]
    @EventType("order.created")
    public record OrderCreated(long orderId, String customer, BigDecimal total, Instant at) {
    }
    // end::payload[]

    @Test
    void examples(TestDatabase db) throws SQLException {
        String jdbcUrl = db.jdbcUrl();
        String user = db.user();
        String password = db.password();
        // tag::client[]
        Pgq pgq = Pgq.create(PgqConfig.builder()
                .jdbcUrl(jdbcUrl)              // or .dataSource(yourDataSource)
                .username(user)
                .password(password)
                .build());                     // installs or upgrades the pgq schema
        pgq.admin().createQueue("orders");
        // end::client[]
        QueueReader reader = new QueueReader(db.dataSource(), "orders", "docs").register();
        try (Connection c = db.connect()) {
            c.createStatement().execute("CREATE TABLE orders_table (id bigint PRIMARY KEY, customer text)");
        }

        // tag::send[]
        Producer producer = pgq.producer();
        long id = producer.send("orders", new OrderCreated(42, "c-7", new BigDecimal("99.50"), Instant.now()));

        producer.send("orders", "order.note", "a raw string is sent as it is");

        producer.send("orders", OutgoingEvent.builder("order.shipped")
                .payload(new OrderCreated(42, "c-7", new BigDecimal("99.50"), Instant.now()))
                .extra1("warehouse-3")
                .build());
        // end::send[]

        // tag::sendAll[]
        List<OutgoingEvent> batch = IntStream.range(0, 1_000)
                .mapToObj(i -> OutgoingEvent.of("order.imported", "{\"line\":" + i + "}"))
                .toList();
        long[] ids = producer.sendAll("orders", batch);     // one transaction, one round trip
        // end::sendAll[]

        // tag::outbox[]
        try (Connection c = pgq.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement("INSERT INTO orders_table (id, customer) VALUES (?, ?)")) {
                st.setLong(1, 43);
                st.setString(2, "c-8");
                st.executeUpdate();
            }
            producer.send(c, "orders", OutgoingEvent.of("order.created", "{\"orderId\":43}"));
            c.commit();                               // the row and the event commit together
        }
        // end::outbox[]

        // tag::jooq[]
        DSLContext dsl = DSL.using(pgq.dataSource(), SQLDialect.POSTGRES);
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            tx.execute("INSERT INTO orders_table (id, customer) VALUES (44, 'c-9')");
            producer.send(tx, "orders", OutgoingEvent.of("order.created", "{\"orderId\":44}"));
        });
        // end::jooq[]

        // tag::copy[]
        long written = producer.copy("orders", IntStream.range(0, 100_000)
                .mapToObj(i -> OutgoingEvent.of("order.archived", "{\"orderId\":" + i + "}"))::iterator);
        // end::copy[]

        // tag::guice[]
        Injector injector = Guice.createInjector(new PgqModule(PgqConfig.builder()
                .jdbcUrl(jdbcUrl).username(user).password(password).build()));
        injector.getInstance(Producer.class).send("orders", "order.note", "sent through Guice");
        // end::guice[]

        // tag::guiceAnnotated[]
        Injector twoClients = Guice.createInjector(
                new PgqModule(PgqConfig.builder().jdbcUrl(jdbcUrl).username(user).password(password).build())
                        .annotatedWith(Names.named("orders")),
                new PgqModule(PgqConfig.builder().jdbcUrl(jdbcUrl).username(user).password(password).build())
                        .annotatedWith(Names.named("audit")));
        Producer audit = twoClients.getInstance(Key.get(Producer.class, Names.named("audit")));
        audit.send("orders", "order.note", "sent by the audit client");
        // end::guiceAnnotated[]

        assertThat(ids).hasSize(1_000);
        assertThat(written).isEqualTo(100_000);
        List<QueueReader.Event> events = reader.drain();
        assertThat(events).hasSize(3 + 1_000 + 2 + 100_000 + 1 + 1);
        assertThat(events.get(0).id()).isEqualTo(id);
        assertThat(events.get(2).extra1()).isEqualTo("warehouse-3");
        injector.getInstance(Pgq.class).close();
        twoClients.getInstance(Key.get(Pgq.class, Names.named("orders"))).close();
        twoClients.getInstance(Key.get(Pgq.class, Names.named("audit"))).close();
        pgq.close();
    }
}
