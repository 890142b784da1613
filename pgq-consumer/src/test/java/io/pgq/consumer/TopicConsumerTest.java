package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.execute;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.UnknownTopicException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Groups on a topic inside one JVM: sharing, rebalancing, order per key, ordered retries, fencing, exactly-once. */
class TopicConsumerTest extends TopicTestCase {

    /** A topic whose partitions tick as soon as they have events. */
    private static void createTopic(String topic, int partitions) throws SQLException {
        TestSupport.createEagerTopic(pgq, db.dataSource(), topic, partitions, "1 minute");
    }

    private static TopicConsumerConfig.Builder config(String topic, String member) {
        return TopicConsumerConfig.builder(topic, "grp").memberId(member).sessionTimeout(Duration.ofSeconds(6))
                .heartbeatInterval(Duration.ofMillis(200)).pollInterval(Duration.ofMillis(50)).threads(2)
                .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(20)).jitter(0).build());
    }

    private TopicConsumer member(TopicConsumerConfig config, EventHandler<String> handler, TopicRebalanceListener listener) {
        TopicConsumer m = newMember(config, handler, listener);
        m.start();
        return m;
    }

    /** Handled events as key -> sequence numbers in handling order ("key:seq" payloads). */
    static final class Log {
        final Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
        final AtomicInteger count = new AtomicInteger();

        void add(String data) {
            String[] kv = data.split(":");
            byKey.computeIfAbsent(kv[0], k -> Collections.synchronizedList(new ArrayList<>())).add(Integer.parseInt(kv[1]));
            count.incrementAndGet();
        }

        void assertInOrderPerKey() {
            byKey.forEach((key, seqs) -> {
                List<Integer> copy;
                synchronized (seqs) {
                    copy = List.copyOf(seqs);
                }
                for (int i = 1; i < copy.size(); i++) {
                    assertThat(copy.get(i)).as("key %s handled out of order: %s", key, copy).isGreaterThan(copy.get(i - 1));
                }
            });
        }
    }

    private static void produce(String topic, int keys, int from, int to) {
        List<OutgoingEvent> events = new ArrayList<>();
        for (int seq = from; seq < to; seq++) {
            for (int k = 0; k < keys; k++) {
                events.add(OutgoingEvent.keyed("t", "key" + k, "key" + k + ":" + seq));
            }
        }
        pgq.topicProducer().sendAll(topic, events);
    }

    @Test
    void membersShareThePartitionsRebalanceWhenTheyComeAndGoAndKeepOrderPerKey() throws Exception {
        createTopic("tc_share", 8);
        Log log = new Log();
        Map<String, Set<Integer>> assignedTo = new ConcurrentHashMap<>();
        EventHandler<String> handler = e -> {
            log.add(e.data());
            assertThat(e.key()).isEqualTo(e.data().split(":")[0]);
            return Outcome.done();
        };
        TopicConsumer a = member(config("tc_share", "a").build(), handler, tracking("a", assignedTo));
        TopicConsumer b = member(config("tc_share", "b").build(), handler, tracking("b", assignedTo));
        await("two members split 8 partitions", () -> a.partitions().size() == 4 && b.partitions().size() == 4,
                () -> a.partitions() + " / " + b.partitions());
        produce("tc_share", 20, 0, 10);
        await("200 events handled", () -> log.count.get() >= 200, () -> log.count + " events");

        TopicConsumer c = member(config("tc_share", "c").build(), handler, tracking("c", assignedTo));
        produce("tc_share", 20, 10, 20);
        await("three members split 8 partitions 3/3/2 (the newcomer takes 2)", () -> a.partitions().size() == 3
                && b.partitions().size() == 3 && c.partitions().size() == 2,
                () -> a.partitions() + " / " + b.partitions() + " / " + c.partitions());
        await("400 events handled", () -> log.count.get() >= 400, () -> log.count + " events");

        Set<Integer> ofA = a.partitions();
        assertThat(a.stop(Duration.ofSeconds(30))).isTrue();
        await("a's partitions taken over", () -> b.partitions().size() + c.partitions().size() == 8,
                () -> b.partitions() + " / " + c.partitions());
        assertThat(ofA).allSatisfy(p -> assertThat(b.partitions().contains(p) || c.partitions().contains(p)).isTrue());
        produce("tc_share", 20, 20, 30);
        await("600 events handled", () -> log.count.get() >= 600, () -> log.count + " events");
        Thread.sleep(300);
        assertThat(log.count.get()).as("graceful rebalances deliver nothing twice").isEqualTo(600);
        log.assertInOrderPerKey();
        assertThat(pgq.topics().describeGroup("tc_share", "grp").orElseThrow().members())
                .extracting(m -> m.memberId()).containsExactly("b", "c");
        var gauges = pgq.metrics().getGauges();
        assertThat((Integer) gauges.get("pgq.topic.tc_share.grp.b.partitions").getValue()
                + (Integer) gauges.get("pgq.topic.tc_share.grp.c.partitions").getValue()).isEqualTo(8);
        assertThat(gauges).doesNotContainKey("pgq.topic.tc_share.grp.a.partitions");
        assertThat(pgq.metrics().getCounters().get("pgq.topic.tc_share.grp.c.rebalances").getCount()).isGreaterThanOrEqualTo(2);
    }

    private static TopicRebalanceListener tracking(String member, Map<String, Set<Integer>> assignedTo) {
        return new TopicRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<Integer> partitions) {
                assignedTo.computeIfAbsent(member, k -> ConcurrentHashMap.newKeySet()).addAll(partitions);
            }

            @Override
            public void onPartitionsRevoked(Collection<Integer> partitions) {
                assignedTo.get(member).removeAll(partitions);
            }
        };
    }

    @Test
    void aBatchOfManyChunksIsHandledWholeInOrderOnce() throws Exception {
        createTopic("tc_large", 1);
        Log log = new Log();
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        member(config("tc_large", "m1").fetchSize(100).build(), e -> {
            log.add(e.payload());
            seen.add(Integer.parseInt(e.payload().split(":")[1]));
            return Outcome.done();
        }, new TopicRebalanceListener() { });
        produce("tc_large", 1, 0, 950);   // one transaction, one batch: more ids than a chunk, read through a cursor

        await("950 events handled", () -> log.count.get() >= 950, () -> log.count.get() + " handled");
        Thread.sleep(200);
        synchronized (seen) {
            assertThat(seen).as("each event once, in order").isEqualTo(java.util.stream.IntStream.range(0, 950).boxed().toList());
        }
    }

    /** How many partitions of the topic (all when {@code partition} is null) have a batch of group grp open. */
    private static long openBatches(String topic, Integer partition) {
        try {
            return scalar(db.dataSource(), "SELECT count(*) FROM pgq_topic.get_group_info(?, 'grp') "
                    + "WHERE current_batch IS NOT NULL AND (?::int4 IS NULL OR partition_no = ?::int4)", topic, partition, partition);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBatchHandledWhileCaughtUpIsFinishedWithoutAFurtherEventAndBeforeItsPartitionIsRevoked() throws Exception {
        createTopic("tc_defer", 2);
        Log log = new Log();
        Map<Integer, Long> openAtRevoke = new ConcurrentHashMap<>();
        TopicConsumer m = member(config("tc_defer", "m1").build(), e -> {
            log.add(e.payload());
            return Outcome.done();
        }, new TopicRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<Integer> partitions) {
                partitions.forEach(p -> openAtRevoke.put(p, openBatches("tc_defer", p)));
            }
        });
        produce("tc_defer", 4, 0, 5);
        await("20 events handled", () -> log.count.get() >= 20, () -> log.count.get() + " handled");
        // a caught-up member finishes its last batch with the next tick's open, or on its own after a short wait
        await("no batch left open once no further event comes", () -> openBatches("tc_defer", null) == 0,
                () -> openBatches("tc_defer", null) + " partitions with an open batch");

        produce("tc_defer", 4, 5, 6);
        await("24 events handled", () -> log.count.get() >= 24, () -> log.count.get() + " handled");
        assertThat(m.stop(Duration.ofSeconds(30))).isTrue();
        assertThat(openAtRevoke).as("whether a partition's batch was open when onPartitionsRevoked ran for it")
                .isEqualTo(Map.of(0, 0L, 1, 0L));
        assertThat(openBatches("tc_defer", null)).isZero();
        assertThat(log.count.get()).as("each event once").isEqualTo(24);
        log.assertInOrderPerKey();
    }

    @Test
    void aFailingEventIsRetriedInPlaceThenDeadLetteredWhileOtherKeysGoOn() throws Exception {
        createTopic("tc_retry", 1);
        List<String> handled = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch otherKeyDone = new CountDownLatch(1);
        EventHandler<String> handler = e -> {
            handled.add(e.data() + "#" + e.attempt());
            if (e.data().equals("k2:3")) {
                otherKeyDone.countDown();
            }
            if (e.data().equals("k1:1")) {
                // key concurrency: k2 must not wait for k1's retries
                assertThat(otherKeyDone.await(30, TimeUnit.SECONDS)).as("k2 handled while k1 is failing").isTrue();
                throw new IllegalStateException("k1:1 always fails");
            }
            return Outcome.done();
        };
        member(config("tc_retry", "solo").keyConcurrency(2).build(), handler, new TopicRebalanceListener() { });
        List<OutgoingEvent> events = new ArrayList<>();
        for (int seq = 0; seq < 4; seq++) {
            events.add(OutgoingEvent.keyed("t", "k1", "k1:" + seq));
            events.add(OutgoingEvent.keyed("t", "k2", "k2:" + seq));
        }
        pgq.topicProducer().sendAll("tc_retry", events);
        await("k1 goes on after its dead letter", () -> handled.contains("k1:3#1"), () -> handled.toString());
        List<String> k1 = handled.stream().filter(s -> s.startsWith("k1")).toList();
        assertThat(k1).containsExactly("k1:0#1", "k1:1#1", "k1:1#2", "k1:1#3", "k1:2#1", "k1:3#1");
        assertThat(handled.stream().filter(s -> s.startsWith("k2")).toList()).containsExactly("k2:0#1", "k2:1#1", "k2:2#1", "k2:3#1");
        await("the dead letter is ticked", () -> {
            try {
                TestSupport.tick(db.dataSource());
                return !TestSupport.deadLettersIn(db.dataSource(), "tc_retry.dlq").isEmpty();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, () -> "none yet");
        DeadLetter d = TestSupport.deadLettersIn(db.dataSource(), "tc_retry.dlq").get(0);
        assertThat(d.data()).isEqualTo("k1:1");
        assertThat(d.extra4()).isEqualTo("k1");
        assertThat(d.reason()).contains("failed 3 of 3 attempts").contains("k1:1 always fails");
    }

    @Test
    void aMemberThatLostItsLeaseCannotFinishItsBatchAndReportsTheLoss() throws Exception {
        createTopic("tc_fence", 1);
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Collection<Integer>> lost = Collections.synchronizedList(new ArrayList<>());
        EventHandler<String> handler = e -> {
            inHandler.countDown();
            release.await(30, TimeUnit.SECONDS);
            return Outcome.done();
        };
        TopicConsumer m = member(config("tc_fence", "victim").build(), handler, new TopicRebalanceListener() {
            @Override
            public void onPartitionsLost(Collection<Integer> partitions) {
                lost.add(partitions);
            }
        });
        await("the member owns the partition", () -> m.partitions().size() == 1, () -> m.partitions().toString());
        pgq.topicProducer().send("tc_fence", "k", "t", "x");
        assertThat(inHandler.await(60, TimeUnit.SECONDS)).as("the event reached the handler").isTrue();
        long batch = scalar(db.dataSource(), "SELECT current_batch FROM pgq_topic.get_group_info('tc_fence', 'grp')");
        // another member takes the partition while this one is busy (as if it had been paused past its lease)
        execute(db.dataSource(), "UPDATE pgq_topic.lease SET owner = 'thief', target = 'thief', epoch = epoch + 1 "
                + "WHERE topic_name = 'tc_fence'");
        release.countDown();
        await("the loss is reported", () -> !lost.isEmpty(), () -> "no loss yet");
        assertThat(scalar(db.dataSource(), "SELECT current_batch FROM pgq_topic.get_group_info('tc_fence', 'grp')"))
                .as("the batch stays open for the new owner").isEqualTo(batch);
        assertThat(m.partitions()).isEmpty();
    }

    @Test
    void exactlyOnceCommitsEachEventsWritesWithTheProgressOfItsPartition() throws Exception {
        createTopic("tc_once", 2);
        execute(db.dataSource(), "CREATE TABLE tc_once_effects (data text primary key)");
        AtomicInteger failures = new AtomicInteger();
        EventHandler<String> handler = e -> {
            try (var st = e.connection().prepareStatement("INSERT INTO tc_once_effects VALUES (?)")) {
                st.setString(1, e.data());
                st.execute();
            }
            if (e.data().endsWith(":5") && e.attempt() == 1) {
                failures.incrementAndGet();
                throw new IllegalStateException("first attempt fails after writing");
            }
            return Outcome.done();
        };
        member(config("tc_once", "once").deliveryMode(DeliveryMode.EXACTLY_ONCE).build(), handler,
                new TopicRebalanceListener() { });
        produce("tc_once", 4, 0, 10);
        await("40 effects", () -> count("SELECT count(*) FROM tc_once_effects") == 40,
                () -> count("SELECT count(*) FROM tc_once_effects") + " effects");
        assertThat(failures.get()).isEqualTo(4);
        await("every batch finished", () -> count("SELECT count(*) FROM pgq_topic.get_group_info('tc_once', 'grp') "
                + "WHERE current_batch IS NOT NULL") == 0, () -> "batches open");
    }

    private static long count(String sql) {
        try {
            return scalar(db.dataSource(), sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void badConfigurationAndUnknownTopicsAreRefused() {
        assertThatThrownBy(() -> TopicConsumerConfig.builder("t", "g").keyConcurrency(2)
                .deliveryMode(DeliveryMode.EXACTLY_ONCE).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyConcurrency 2 cannot be combined with EXACTLY_ONCE");
        assertThatThrownBy(() -> TopicConsumerConfig.builder("t", "g").sessionTimeout(Duration.ofSeconds(1))
                .heartbeatInterval(Duration.ofSeconds(1)).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeatInterval must be at most a third of sessionTimeout");
        assertThatThrownBy(() -> TopicConsumerConfig.builder("bad topic", "g").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid topic name");
        TopicConsumer m = TopicConsumer.builder(pgq, TopicConsumerConfig.builder("tc_missing", "g").build())
                .otherwise(e -> Outcome.done()).build();
        assertThatThrownBy(m::start).isInstanceOf(UnknownTopicException.class).hasMessageContaining("tc_missing");
    }

}
