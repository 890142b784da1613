package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.TopicRouting;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PgBouncer;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Group members through a real PgBouncer in transaction mode with fewer server connections than
 * clients, so that consecutive transactions of one member run on different server sessions:
 * membership, leases, fencing and consumption must not depend on session state.
 */
class TopicPgBouncerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @Test
    void membersBehindPgBouncerInTransactionModeShareConsumeInOrderAndAreFenced(TestDatabase db) throws Exception {
        assumeTrue(PgBouncer.installed(), PgBouncer.NOT_INSTALLED);
        PgBouncer bouncer = PgBouncer.inFrontOf(db, 3);
        List<TopicConsumer> members = new ArrayList<>();
        try {
            Pgq pgq = Pgq.create(PgqConfig.builder().jdbcUrl(bouncer.jdbcUrl()).username(bouncer.user())
                    .password(db.password()).installSchema(false).maximumPoolSize(10).build());
            try (TestSupport.Ticker ticker = new TestSupport.Ticker(db.dataSource(), false)) {
                pgq.topics().createTopic("tb_orders", 4);
                for (int p = 0; p < 4; p++) {
                    execute(db.dataSource(), "SELECT pgq.set_queue_config(?, 'ticker_max_lag', '0')",
                            TopicRouting.partitionQueue("tb_orders", p));
                }
                Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
                List<Collection<Integer>> lost = Collections.synchronizedList(new ArrayList<>());
                for (String id : List.of("x", "y")) {
                    TopicConsumer m = TopicConsumer.builder(pgq, TopicConsumerConfig.builder("tb_orders", "grp").memberId(id)
                                    .sessionTimeout(Duration.ofSeconds(6)).heartbeatInterval(Duration.ofMillis(300))
                                    .pollInterval(Duration.ofMillis(50)).threads(2).build())
                            .otherwise(e -> {
                                String[] kv = e.data().split(":");
                                byKey.computeIfAbsent(kv[0], k -> Collections.synchronizedList(new ArrayList<>()))
                                        .add(Integer.parseInt(kv[1]));
                                return Outcome.done();
                            })
                            .listener(new TopicRebalanceListener() {
                                @Override
                                public void onPartitionsLost(Collection<Integer> partitions) {
                                    lost.add(partitions);
                                }
                            })
                            .build();
                    members.add(m);
                    m.start();
                }
                TopicConsumer x = members.get(0);
                TopicConsumer y = members.get(1);
                await("the two members share 4 partitions", () -> x.partitions().size() == 2 && y.partitions().size() == 2,
                        () -> x.partitions() + " / " + y.partitions());
                List<OutgoingEvent> events = new ArrayList<>();
                for (int seq = 0; seq < 20; seq++) {
                    for (int k = 0; k < 20; k++) {
                        events.add(OutgoingEvent.keyed("t", "k" + k, "k" + k + ":" + seq));
                    }
                }
                pgq.topicProducer().sendAll("tb_orders", events);
                await("400 events handled", () -> total(byKey) >= 400, () -> total(byKey) + " handled");
                byKey.forEach((key, seqs) -> assertThat(List.copyOf(seqs)).as("key %s", key)
                        .isEqualTo(java.util.stream.IntStream.range(0, 20).boxed().toList()));

                assertThat(x.stop(Duration.ofSeconds(30))).isTrue();
                await("y takes x's partitions at once", () -> y.partitions().size() == 4, () -> y.partitions().toString());

                execute(db.dataSource(), "UPDATE pgq_topic.lease SET owner = 'thief', target = 'thief', epoch = epoch + 1 "
                        + "WHERE topic_name = 'tb_orders' AND partition_no = 0");
                pgq.topicProducer().send("tb_orders", OutgoingEvent.keyed("t", "late", "late:0"));
                await("the taken partition is reported lost", () -> !lost.isEmpty() && !y.partitions().contains(0),
                        () -> lost + " / " + y.partitions());
            } finally {
                members.forEach(m -> m.stop(Duration.ofSeconds(30)));
                pgq.close();
            }
        } finally {
            bouncer.close();
        }
    }

    private static int total(Map<String, List<Integer>> byKey) {
        return byKey.values().stream().mapToInt(List::size).sum();
    }

    private static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> progress)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s; so far: %s", what, progress.get()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
