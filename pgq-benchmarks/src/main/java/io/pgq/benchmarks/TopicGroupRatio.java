package io.pgq.benchmarks;

import io.pgq.consumer.Outcome;
import io.pgq.consumer.TopicConsumer;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.QueueSettings;
import io.pgq.core.TopicRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A group of 4 members against 1 member on a 16-partition topic, handlers sleeping 1 ms per
 * event, one worker thread per member (like one Kafka consumer per member). Each round runs both,
 * in alternating order, on a fresh topic: the members join, 8,000 events with distinct keys are
 * sent in one transaction (partitions tick as soon as they have events), and the time from its
 * commit until all were handled is taken. A first round warms up and is not counted. Prints each
 * round's times and ratio, then the median ratio.
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
            AtomicBoolean ticking = new AtomicBoolean(true);
            Thread ticker = new Thread(() -> tickLoop(db, ticking), "bench-ticker");
            ticker.start();
            double[] ratios = new double[rounds];
            try {
                drain(pgq, "bench_warm_1", 1);
                drain(pgq, "bench_warm_4", 4);
                for (int r = 0; r < rounds; r++) {
                    long one;
                    long four;
                    if (r % 2 == 0) {
                        one = drain(pgq, "bench_t" + r + "_1", 1);
                        four = drain(pgq, "bench_t" + r + "_4", 4);
                    } else {
                        four = drain(pgq, "bench_t" + r + "_4", 4);
                        one = drain(pgq, "bench_t" + r + "_1", 1);
                    }
                    ratios[r] = (double) one / four;
                    System.out.printf("round %d: 1 member %d ms, 4 members %d ms, throughput ratio %.2f%n", r + 1,
                            one / 1_000_000, four / 1_000_000, ratios[r]);
                }
            } finally {
                ticking.set(false);
                ticker.join();
                pgq.close();
            }
            Arrays.sort(ratios);
            System.out.printf("median ratio (4 members / 1 member throughput) over %d rounds: %.2f (min %.2f, max %.2f)%n",
                    rounds, ratios[rounds / 2], ratios[0], ratios[rounds - 1]);
        }
    }

    private static void tickLoop(BenchDatabase db, AtomicBoolean ticking) {
        while (ticking.get()) {
            try {
                db.execute("SELECT pgq.ticker()");
                Thread.sleep(20);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    return;
                }
            }
        }
    }

    /** Nanoseconds until {@code members} members handled all events of a fresh topic. */
    private static long drain(Pgq pgq, String topic, int members) throws Exception {
        pgq.topics().createTopic(topic, PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {   // tick as soon as there are events, not after ticker_max_lag
            pgq.admin().configure(TopicRouting.partitionQueue(topic, p),
                    QueueSettings.builder().tickerMaxLag(Duration.ZERO).build());
        }
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
