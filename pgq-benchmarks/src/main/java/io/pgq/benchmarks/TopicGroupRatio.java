package io.pgq.benchmarks;

import io.pgq.consumer.Outcome;
import io.pgq.consumer.TopicConsumer;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.TopicRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A group of 4 members against 1 member on a 16-partition topic, handlers sleeping 1 ms per
 * event, one worker thread per member (like one Kafka consumer per member). Each round runs both,
 * in alternating order, on a fresh topic: the members join, 8,000 events with distinct keys are
 * sent in one transaction, each partition is ticked once after the commit (so that every
 * partition has its events in one batch at the same moment, as a ticker would after its period),
 * and the time from the ticks until all events were handled is taken. A first round warms up and
 * is not counted. Prints each round's times and ratio, then the median ratio.
 *
 * <pre>java -cp pgq-benchmarks/target/benchmarks.jar io.pgq.benchmarks.TopicGroupRatio [rounds]</pre>
 */
public final class TopicGroupRatio {

    static final int PARTITIONS = 16;
    static final int EVENTS = 8000;
    static final int KEYS = 8000;

    private TopicGroupRatio() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (BenchDatabase db = BenchDatabase.create(BenchDatabase.PGQ_JAVA)) {
            Pgq pgq = db.client(12);
            double[] ratios = new double[rounds];
            try {
                drain(db, pgq, "bench_warm_1", 1);
                drain(db, pgq, "bench_warm_4", 4);
                for (int r = 0; r < rounds; r++) {
                    long one;
                    long four;
                    if (r % 2 == 0) {
                        one = drain(db, pgq, "bench_t" + r + "_1", 1);
                        four = drain(db, pgq, "bench_t" + r + "_4", 4);
                    } else {
                        four = drain(db, pgq, "bench_t" + r + "_4", 4);
                        one = drain(db, pgq, "bench_t" + r + "_1", 1);
                    }
                    ratios[r] = (double) one / four;
                    System.out.printf("round %d: 1 member %d ms, 4 members %d ms, throughput ratio %.2f%n", r + 1,
                            one / 1_000_000, four / 1_000_000, ratios[r]);
                }
            } finally {
                pgq.close();
            }
            Arrays.sort(ratios);
            System.out.printf("median ratio (4 members / 1 member throughput) over %d rounds: %.2f (min %.2f, max %.2f)%n",
                    rounds, ratios[rounds / 2], ratios[0], ratios[rounds - 1]);
        }
    }

    /** Nanoseconds until {@code members} members handled all events of a fresh topic. */
    private static long drain(BenchDatabase db, Pgq pgq, String topic, int members) throws Exception {
        pgq.topics().createTopic(topic, PARTITIONS);
        AtomicInteger handled = new AtomicInteger();
        List<TopicConsumer> group = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            TopicConsumer c = TopicConsumer.builder(pgq, TopicConsumerConfig.builder(topic, "g").memberId("m" + m)
                    .threads(1).sessionTimeout(Duration.ofSeconds(10)).heartbeatInterval(Duration.ofMillis(200))
                    .pollInterval(Duration.ofMillis(20)).build()).otherwise(e -> {
                        Thread.sleep(1);
                        handled.incrementAndGet();
                        return Outcome.done();
                    }).build();
            c.start();
            group.add(c);
        }
        while (group.stream().mapToInt(c -> c.partitions().size()).sum() < PARTITIONS
                || group.stream().anyMatch(c -> c.partitions().size() != PARTITIONS / members)) {
            Thread.sleep(10);
        }
        List<OutgoingEvent> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            events.add(OutgoingEvent.keyed("work", "key-" + (i % KEYS), Integer.toString(i)));
        }
        pgq.topicProducer().sendAll(topic, events);
        for (int p = 0; p < PARTITIONS; p++) {
            db.tick(TopicRouting.partitionQueue(topic, p));
        }
        long start = System.nanoTime();
        while (handled.get() < EVENTS) {
            Thread.sleep(1);
        }
        long elapsed = System.nanoTime() - start;
        group.forEach(c -> c.stop(Duration.ofSeconds(30)));
        pgq.topics().dropTopic(topic, true);
        return elapsed;
    }
}
