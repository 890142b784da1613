package io.pgq.benchmarks;

import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.PgqConsumer;
import io.pgq.consumer.TopicConsumer;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.TopicRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The database cost of a topic group per event against a plain consumer: a plain queue read by a
 * {@link PgqConsumer} and a topic read by a group of one member, both with no-op handlers and
 * their default fetch sizes (or the member's given), running side by side in one JVM. Each round sends the same 20,000
 * events, or the number given (100-byte payloads, distinct keys) to the queue and to the topic, each in one
 * transaction, ticks every queue once after the commit, and takes the time until the consumer
 * has handled all of them; the two runs of a round are interleaved (alternating order). A
 * warm-up round is not counted. Prints each round's times and the ratio (the topic's
 * throughput relative to the plain consumer's), then the median.
 *
 * <pre>java -cp pgq-benchmarks/target/benchmarks.jar io.pgq.benchmarks.TopicReadRatio [rounds] [partitions] [member fetch size] [events]</pre>
 *
 * With 20,000 events a drain takes some 30 ms on a 2-core machine, so the wake-up after the tick
 * weighs in it; 200,000 measure the reading.
 */
public final class TopicReadRatio {

    static final String QUEUE = "bench_read_plain";
    static final String TOPIC = "bench_read_topic";
    static final int DEFAULT_EVENTS = 20_000;
    /** Events per round (a round's two drains each take about this many events). */
    private static int events = DEFAULT_EVENTS;
    static final String PAYLOAD = "x".repeat(100);

    private TopicReadRatio() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int fetchSize = args.length > 2 ? Integer.parseInt(args[2]) : TopicConsumerConfig.DEFAULT_FETCH_SIZE;
        events = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_EVENTS;
        if (rounds < 1 || partitions < 1 || fetchSize < 1 || events < 1) {
            throw new IllegalArgumentException("rounds, partitions, fetch size and events must be at least 1");
        }
        try (BenchDatabase db = BenchDatabase.create(BenchDatabase.PGQ_JAVA)) {
            Pgq pgq = db.client(12);
            pgq.admin().createQueue(QUEUE);
            pgq.topics().createTopic(TOPIC, partitions);
            AtomicInteger plainHandled = new AtomicInteger();
            AtomicInteger topicHandled = new AtomicInteger();
            PgqConsumer plain = PgqConsumer.builder(pgq, ConsumerConfig.builder(QUEUE, "bench").build())
                    .otherwise(e -> {
                        plainHandled.incrementAndGet();
                        return Outcome.done();
                    }).build();
            TopicConsumer member = TopicConsumer.builder(pgq, TopicConsumerConfig.builder(TOPIC, "bench").memberId("m1")
                    .fetchSize(fetchSize).build()).otherwise(e -> {
                        topicHandled.incrementAndGet();
                        return Outcome.done();
                    }).build();
            plain.start();
            member.start();
            awaitPartitions(member, partitions);
            double[] ratios = new double[rounds];
            try {
                drainPlain(db, pgq, plainHandled);
                drainTopic(db, pgq, topicHandled, partitions);
                for (int r = 0; r < rounds; r++) {
                    long p;
                    long t;
                    if (r % 2 == 0) {
                        p = drainPlain(db, pgq, plainHandled);
                        t = drainTopic(db, pgq, topicHandled, partitions);
                    } else {
                        t = drainTopic(db, pgq, topicHandled, partitions);
                        p = drainPlain(db, pgq, plainHandled);
                    }
                    ratios[r] = (double) p / t;
                    System.out.printf("round %d: plain consumer %d ms, topic (%d partition%s, 1 member, fetch size %d) %d ms, "
                                    + "throughput ratio %.2f%n", r + 1, p / 1_000_000, partitions,
                            partitions == 1 ? "" : "s", fetchSize, t / 1_000_000, ratios[r]);
                }
            } finally {
                member.stop(Duration.ofSeconds(30));
                plain.close();
                pgq.close();
            }
            Arrays.sort(ratios);
            System.out.printf("median ratio (topic / plain throughput) over %d rounds of %,d events: %.2f (min %.2f, max %.2f)%n",
                    rounds, events, ratios[rounds / 2], ratios[0], ratios[rounds - 1]);
        }
    }

    private static long drainPlain(BenchDatabase db, Pgq pgq, AtomicInteger handled) throws Exception {
        List<OutgoingEvent> events = events(false);
        handled.set(0);
        pgq.producer().sendAll(QUEUE, events);
        db.tick(QUEUE);
        return await(handled, "plain consumer");
    }

    private static long drainTopic(BenchDatabase db, Pgq pgq, AtomicInteger handled, int partitions) throws Exception {
        List<OutgoingEvent> events = events(true);
        handled.set(0);
        pgq.topicProducer().sendAll(TOPIC, events);
        for (int p = 0; p < partitions; p++) {
            db.tick(TopicRouting.partitionQueue(TOPIC, p));
        }
        return await(handled, "topic member");
    }

    private static List<OutgoingEvent> events(boolean keyed) {
        List<OutgoingEvent> batch = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            batch.add(keyed ? OutgoingEvent.keyed("bench", "key-" + i, PAYLOAD) : OutgoingEvent.of("bench", PAYLOAD));
        }
        return batch;
    }

    /** Nanoseconds from now (just after the ticks) until all events were handled. */
    private static long await(AtomicInteger handled, String who) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(120);
        while (handled.get() < events) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(who + " handled only " + handled.get() + " of " + events
                        + " events within 120 s");
            }
            Thread.sleep(1);
        }
        return System.nanoTime() - start;
    }

    private static void awaitPartitions(TopicConsumer member, int partitions) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (member.partitions().size() < partitions) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the member holds only " + member.partitions() + " after 60 s");
            }
            Thread.sleep(10);
        }
    }
}
