package io.pgq.benchmarks;

import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.PgqConsumer;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * Heap needed to consume one batch of 2,000,000 events with default settings and a typed
 * handler: loads the batch with COPY (one transaction, so one batch), consumes it with
 * {@link PgqConsumer#runOnce()}, and prints the peak heap use of the consumer. Not a JMH
 * benchmark; run it with the heap limit it must stay under:
 *
 * <pre>java -Xmx256m -cp pgq-benchmarks/target/benchmarks.jar io.pgq.benchmarks.ConsumerHeapBenchmark [events]</pre>
 *
 * It fails with an OutOfMemoryError if the batch does not fit.
 */
public final class ConsumerHeapBenchmark {

    private ConsumerHeapBenchmark() {
    }

    /** The payload: a small JSON object. */
    public record Item(long id, String name, int quantity) {
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        String queue = "bench_heap";
        try (BenchDatabase db = BenchDatabase.create(BenchDatabase.PGQ_JAVA); Pgq pgq = db.client(4)) {
            db.execute("SELECT pgq.create_queue('" + queue + "')", "SELECT pgq.register_consumer('" + queue + "', 'c')");
            long t0 = System.nanoTime();
            pgq.producer().copy(queue, LongStream.range(0, events).mapToObj(i -> OutgoingEvent.of("item",
                    "{\"id\":" + i + ",\"name\":\"item-" + i + "\",\"quantity\":3}"))::iterator);
            db.tick(queue);
            System.out.printf(Locale.ROOT, "loaded %,d events in one transaction in %.1f s%n", events,
                    (System.nanoTime() - t0) / 1e9);
            AtomicLong handled = new AtomicLong();
            PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder(queue, "c").build())
                    .handler("item", Item.class, e -> {
                        handled.addAndGet(e.payload().quantity() > 0 ? 1 : 0);
                        return Outcome.done();
                    }).build();
            System.gc();
            resetPeaks();
            long t1 = System.nanoTime();
            int batch = consumer.runOnce().orElseThrow();
            double seconds = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "consumed one batch of %,d events (%,d handled) in %.1f s = %,.0f events/s%n",
                    batch, handled.get(), seconds, batch / seconds);
            System.out.printf(Locale.ROOT, "peak heap used while consuming: %.1f MB (max heap %.0f MB)%n",
                    peakHeap() / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
        }
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peaks since the reset (an upper bound of the peak of their sum). */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
