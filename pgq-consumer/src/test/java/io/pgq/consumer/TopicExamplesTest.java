package io.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import io.pgq.core.EventType;
import io.pgq.core.GroupDescription;
import io.pgq.core.GroupSettings;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.TopicProducer;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.DocRegions;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The examples of docs/topics.md, run as a test; the regions between {@code tag::} and
 * {@code end::} are the code the page shows.
 */
class TopicExamplesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @EventType("order.created")
    record OrderCreated(long orderId, String customer) {
    }

    /** Stands for the application's own service. */
    static final class Shipping {
        final Map<String, List<Long>> byCustomer = new ConcurrentHashMap<>();

        void ship(String customer, OrderCreated order) {
            byCustomer.computeIfAbsent(customer, c -> new CopyOnWriteArrayList<>()).add(order.orderId());
        }

        int shipped() {
            return byCustomer.values().stream().mapToInt(List::size).sum();
        }
    }

    @Test
    void examples(TestDatabase db) throws Exception {
        Pgq pgq = TestSupport.client(db);
        Shipping shipping = new Shipping();
        try (TestSupport.Ticker ticker = new TestSupport.Ticker(db.dataSource(), false)) {
            // tag::create[]
            pgq.topics().createTopic("orders", 16);         // queues orders.p0 .. orders.p15, in one transaction
            // end::create[]
            for (int p = 0; p < 16; p++) {
                TestSupport.execute(db.dataSource(), "SELECT pgq.set_queue_config(?, 'ticker_max_lag', '0')", "orders.p" + p);
            }

            // tag::member[]
            TopicConsumerConfig config = TopicConsumerConfig.builder("orders", "shipping")
                    .sessionTimeout(Duration.ofSeconds(10))        // a silent member loses its partitions after this
                    .build();
            TopicConsumer member = TopicConsumer.builder(pgq, config)
                    .handler(OrderCreated.class, event -> {
                        shipping.ship(event.key(), event.payload());    // one customer's orders arrive in order
                        return Outcome.done();
                    })
                    .listener(new TopicRebalanceListener() {
                        @Override
                        public void onPartitionsAssigned(Collection<Integer> partitions) {
                            System.out.println("now handling partitions " + partitions);
                        }
                    })
                    .build();
            member.start();
            // end::member[]
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (member.partitions().size() < 16) {
                assertThat(System.nanoTime()).as("the member owns the partitions").isLessThan(deadline);
                Thread.sleep(20);
            }

            // tag::produce[]
            TopicProducer producer = pgq.topicProducer();
            producer.send("orders", "customer-7", new OrderCreated(1, "customer-7"));   // key, then payload
            producer.sendAll("orders", List.of(
                    OutgoingEvent.keyed("order.created", "customer-7", new OrderCreated(2, "customer-7")),
                    OutgoingEvent.keyed("order.created", "customer-9", new OrderCreated(3, "customer-9"))));
            try (Connection c = pgq.dataSource().getConnection()) {                   // the outbox: your transaction
                c.setAutoCommit(false);
                // ... the application's own writes ...
                producer.send(c, "orders", OutgoingEvent.keyed("order.created", "customer-9", new OrderCreated(4, "customer-9")));
                c.commit();
            }
            // end::produce[]
            while (shipping.shipped() < 4) {
                assertThat(System.nanoTime()).as("4 orders shipped, got %s", shipping.byCustomer).isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(shipping.byCustomer).containsEntry("customer-7", List.of(1L, 2L)).containsEntry("customer-9", List.of(3L, 4L));

            // tag::describe[]
            GroupDescription group = pgq.topics().describeGroup("orders", "shipping").orElseThrow();
            for (GroupDescription.Partition p : group.partitions()) {
                System.out.printf("%s owner=%s epoch=%d lag=%s pending=%d%n",
                        p.queue(), p.owner(), p.epoch(), p.lag(), p.pendingEvents());
            }
            for (GroupDescription.Member m : group.members()) {
                System.out.printf("%s owns %s, last heartbeat %s%n", m.memberId(), m.owned(), m.lastHeartbeat());
            }
            // end::describe[]
            assertThat(group.members()).hasSize(1);

            // tag::lag[]
            Gauge<?> pending = pgq.metrics().getGauges().get("pgq.topic.orders.shipping.partition.3.pending.events");
            System.out.println("partition 3 of orders is " + pending.getValue() + " events behind for shipping");
            // end::lag[]
            assertThat(pending.getValue()).isEqualTo(0L);

            // tag::settings[]
            TopicConsumer other = TopicConsumer.builder(pgq, TopicConsumerConfig.builder("orders", "shipping")
                            .deliveryMode(DeliveryMode.EXACTLY_ONCE)      // the group's first member chose AT_LEAST_ONCE
                            .build())
                    .handler(OrderCreated.class, event -> Outcome.done())
                    .build();
            try {
                other.start();
            } catch (GroupSettingsMismatchException e) {
                // ... (delivery mode: the group's is at-least-once, the member's exactly-once); configure it like ...
                System.out.println(e.getMessage());
            }
            GroupSettings settings = pgq.topics().groupSettings("orders", "shipping").orElseThrow();
            System.out.println(settings.deliveryMode() + ", dead letters to " + settings.deadLetterQueue()
                    + ", session timeout " + settings.sessionTimeout() + ", recorded by " + settings.recordedBy());
            // end::settings[]
            assertThat(other.state()).isEqualTo(io.pgq.core.service.ServiceState.NEW);
            assertThat(settings.deliveryMode()).isEqualTo("at-least-once");

            // tag::stop[]
            member.close();   // finishes the batches in hand, onPartitionsRevoked, leaves: others take over at once
            // end::stop[]

            // tag::reset[]
            pgq.topics().resetGroupSettings("orders", "shipping");   // no member running: the next to join records its own
            // end::reset[]
            assertThat(pgq.topics().groupSettings("orders", "shipping")).isEmpty();
        } finally {
            pgq.close();
        }
    }

    @Test
    void topicsGuideShowsTheTestedExamples() throws Exception {
        String doc = Files.readString(Path.of("../docs/topics.md"));
        Map<String, String> regions = DocRegions.of(Path.of("src/test/java/io/pgq/consumer/TopicExamplesTest.java"));
        assertThat(regions).containsKeys("create", "member", "produce", "describe", "stop", "lag", "settings", "reset");
        regions.forEach((tag, code) -> assertThat(doc).as("docs/topics.md shows region '%s'", tag).contains(code));
    }
}
