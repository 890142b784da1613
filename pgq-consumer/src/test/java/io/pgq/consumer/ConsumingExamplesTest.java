package io.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

// tag::imports[]
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.Injector;
import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.ConsumerModule;
import io.pgq.consumer.DeadLetters;
import io.pgq.consumer.DeliveryMode;
import io.pgq.consumer.Event;
import io.pgq.consumer.GroupListener;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.PgqConsumer;
import io.pgq.consumer.RetryPolicy;
import io.pgq.consumer.TypedEventHandler;
import io.pgq.core.ConsumerPosition;
import io.pgq.core.EventType;
import io.pgq.core.PgqConfig;
import io.pgq.core.PgqModule;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
// end::imports[]
import io.pgq.core.Pgq;
import io.pgq.core.QueueSettings;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The examples of docs/consuming.md, run as a test. The regions between {@code tag::} and
 * {@code end::} comments appear verbatim in the document ({@link DocsTest} checks that).
 */
class ConsumingExamplesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    // tag::payload[]
    @EventType("order.created")
    public record OrderCreated(long orderId, String customer, BigDecimal total) {
    }
    // end::payload[]

    /** Stands for the application's own code. */
    static final class Invoices {
        final List<Long> created = new CopyOnWriteArrayList<>();

        void create(OrderCreated order) {
            created.add(order.orderId());
        }
    }

    static final class PaymentServiceUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    // tag::typedHandler[]
    public static final class BillingHandler implements TypedEventHandler<OrderCreated> {
        private final Invoices invoices;

        @Inject
        BillingHandler(Invoices invoices) {
            this.invoices = invoices;
        }

        @Override
        public Class<OrderCreated> payloadClass() {
            return OrderCreated.class;
        }

        @Override
        public Outcome handle(Event<OrderCreated> event) {
            invoices.create(event.payload());
            return Outcome.done();
        }
    }
    // end::typedHandler[]

    @Test
    void examples(TestDatabase db) throws Exception {
        Pgq pgq = TestSupport.client(db);
        pgq.admin().createQueue("orders", QueueSettings.builder().tickerMaxLag(Duration.ZERO).build());
        Invoices invoices = new Invoices();
        try (TestSupport.Ticker ticker = new TestSupport.Ticker(db.dataSource(), true)) {
            // tag::consumer[]
            ConsumerConfig config = ConsumerConfig.builder("orders", "billing").build();
            PgqConsumer consumer = PgqConsumer.builder(pgq, config)
                    .handler(OrderCreated.class, event -> {
                        invoices.create(event.payload());       // event.id(), .type(), .time(), .extra1() ...
                        return Outcome.done();
                    })
                    .build();
            consumer.start();                                   // threads run until close()
            // end::consumer[]
            pgq.producer().send("orders", new OrderCreated(42, "c-7", new BigDecimal("99.50")));
            await().atMost(TestSupport.WAIT).until(() -> invoices.created.contains(42L));

            // tag::seek[]
            consumer.seek(ConsumerPosition.earliest());                   // everything the queue still has
            consumer.seek(ConsumerPosition.at(Instant.now().minusSeconds(3600)));   // the last hour
            consumer.seek(ConsumerPosition.latest());                     // skip the backlog
            // end::seek[]

            // tag::pause[]
            consumer.pause();             // finishes the batch in hand, then takes no new one
            consumer.resume();
            consumer.close();             // waits up to shutdownTimeout (30 s) for the batch in hand
            // end::pause[]

            // tag::outcomes[]
            RetryPolicy policy = RetryPolicy.builder()
                    .maxAttempts(5)                                     // 1 delivery + 4 retries
                    .initialDelay(Duration.ofSeconds(10))               // 10 s, 20 s, 40 s, 80 s (+-20 %)
                    .maxDelay(Duration.ofMinutes(10))
                    .deadLetterOn(IllegalArgumentException.class)       // retrying will not help
                    .build();
            PgqConsumer shipping = PgqConsumer.builder(pgq, ConsumerConfig.builder("orders", "shipping")
                            .retryPolicy(policy)
                            .strictTypes(true)                           // unknown types are dead letters
                            .build())
                    .handler(OrderCreated.class, event -> {
                        if (event.payload().total().signum() < 0) {
                            return Outcome.deadLetter("negative total");
                        }
                        if (event.payload().customer().startsWith("eu-")) {
                            throw new PaymentServiceUnavailable();       // retried after the backoff
                        }
                        return event.attempt() < 2 ? Outcome.retry(Duration.ofSeconds(30)) : Outcome.done();
                    })
                    .build();
            // end::outcomes[]
            shipping.start();
            pgq.producer().send("orders", new OrderCreated(43, "c-8", new BigDecimal("-1")));
            await().atMost(TestSupport.WAIT).until(() -> TestSupport.deadLettersIn(db.dataSource(), "orders.dlq")
                    .size() == 1);
            shipping.close();

            pgq.producer().send("orders", new OrderCreated(44, "c-9", BigDecimal.ONE));
            // tag::resend[]
            DeadLetters deadLetters = new DeadLetters(pgq);
            DeadLetters.ResendResult result = deadLetters.resend("orders.dlq",
                    dead -> dead.reason().equals("negative total"));     // the others stay
            // end::resend[]
            await().atMost(TestSupport.WAIT).until(() -> deadLetters.resend("orders.dlq").resent() > 0
                    || result.resent() > 0);

            pgq.admin().createQueue("payments", QueueSettings.builder().tickerMaxLag(Duration.ZERO).build());
            try (Connection c = db.connect()) {
                c.createStatement().execute("CREATE TABLE ledger (event_id bigint PRIMARY KEY, amount numeric)");
            }
            // tag::exactlyOnce[]
            PgqConsumer ledger = PgqConsumer.builder(pgq, ConsumerConfig.builder("payments", "ledger")
                            .deliveryMode(DeliveryMode.EXACTLY_ONCE)
                            .build())
                    .handler(OrderCreated.class, event -> {
                        Connection tx = event.connection();             // the batch's transaction
                        try (PreparedStatement st = tx.prepareStatement(
                                "INSERT INTO ledger (event_id, amount) VALUES (?, ?)")) {
                            st.setLong(1, event.id());
                            st.setBigDecimal(2, event.payload().total());
                            st.executeUpdate();
                        }
                        return Outcome.done();                          // commits with finish_batch
                    })
                    .build();
            // end::exactlyOnce[]
            ledger.start();
            pgq.producer().send("payments", new OrderCreated(45, "c-1", BigDecimal.TEN));
            await().atMost(TestSupport.WAIT).until(() -> TestSupport.scalar(db.dataSource(),
                    "SELECT count(*) FROM ledger") == 1);
            ledger.close();

            // tag::batchHandler[]
            PgqConsumer archive = PgqConsumer.builder(pgq, ConsumerConfig.builder("payments", "archive").build())
                    .batchHandler(batch -> {
                        for (Event<String> event : batch.events()) {    // streamed, 2,000 at a time
                            OrderCreated order = batch.decode(event, OrderCreated.class);
                            if (order.total().signum() == 0) {
                                batch.retry(event);
                            }
                        }
                    })
                    .build();
            // end::batchHandler[]
            archive.start();
            archive.close();

            List<String> joined = new CopyOnWriteArrayList<>();
            // tag::group[]
            PgqConsumer workers = PgqConsumer.builder(pgq, ConsumerConfig.builder("orders", "fulfilment")
                            .groupMembers(4)                             // 4 threads here; more JVMs may join
                            .sessionTimeout(Duration.ofSeconds(30))      // then their batches are taken over
                            .build())
                    .handler(OrderCreated.class, event -> Outcome.done())
                    .groupListener(new GroupListener() {
                        @Override
                        public void onJoin(String member) {
                            joined.add(member);
                        }

                        @Override
                        public void onTakeOver(String member, String deadMember, long batchId) {
                            // log, alert ...
                        }
                    })
                    .build();
            workers.start();
            // end::group[]
            await().atMost(TestSupport.WAIT).until(() -> joined.size() == 4);
            workers.close();

            // tag::standby[]
            ConsumerConfig audit = ConsumerConfig.builder("orders", "audit")
                    .sessionTimeout(Duration.ofSeconds(30))     // a dead instance is replaced after this
                    .build();
            PgqConsumer active = PgqConsumer.builder(pgq, audit).handler(OrderCreated.class, e -> Outcome.done()).build();
            PgqConsumer standby = PgqConsumer.builder(pgq, audit).handler(OrderCreated.class, e -> Outcome.done()).build();
            active.start();     // INFO Holding consumer audit on queue orders (epoch 1, until ...)
            standby.start();    // INFO Standing by: consumer audit on queue orders is held by <owner> until <time>
            active.close();     // releases the lease: INFO Took over consumer audit on queue orders from <owner> ...
            // end::standby[]
            await().atMost(TestSupport.WAIT).until(() -> !standby.health().reason().contains("standing by"));
            standby.close();

            String jdbcUrl = db.jdbcUrl();
            String user = db.user();
            String password = db.password();
            // tag::guice[]
            Injector injector = Guice.createInjector(
                    new PgqModule(PgqConfig.builder().jdbcUrl(jdbcUrl).username(user).password(password).build()),
                    new ConsumerModule(ConsumerConfig.builder("orders", "billing").build()),
                    new AbstractModule() {
                        @Override
                        protected void configure() {
                            bind(Invoices.class).toInstance(invoices);
                            ConsumerModule.handlers(binder(), "orders", "billing")
                                    .addBinding().to(BillingHandler.class);
                        }
                    });
            PgqConsumer billing = injector.getInstance(ConsumerModule.key("orders", "billing"));
            billing.start();
            // end::guice[]
            pgq.producer().send("orders", new OrderCreated(46, "c-2", BigDecimal.ONE));
            await().atMost(TestSupport.WAIT).until(() -> invoices.created.contains(46L));
            billing.close();
            injector.getInstance(Pgq.class).close();
        } finally {
            pgq.close();
        }
        assertThat(invoices.created).contains(42L, 46L);
    }
}
