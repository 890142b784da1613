package io.pgq.benchmarks.e2e;

import com.codahale.metrics.MetricRegistry;
import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.PgqConsumer;
import io.pgq.consumer.TopicConsumer;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.TestDatabase;
import io.pgq.testing.internal.DatabaseFactory;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * End-to-end load: producers send at an offered rate (or as fast as they can), a ticker ticks, a
 * consumer group handles the events; reports throughput and the latency from each event's
 * commit to the start of its handler (HdrHistogram), and writes CSV and PNG under an output
 * directory. {@code --impl reference} runs the same scenario against the reference PgQ
 * extension with {@code pgqd} as ticker and a minimal JDBC consumer; with
 * {@code --ticker-max-lag-ms N} (the queue's {@code ticker_max_lag}) and
 * {@code --ticker-period-ms N} (pgqd's {@code ticker_period}) it runs a tuned reference, labelled
 * {@code reference-tuned}. With {@code --topic-partitions N} the pgq-java run sends to a topic of N
 * partitions (one key per event, so the events spread over all partitions) read by a group of
 * {@code --consumers} members with their defaults (label {@code pgq-java-topicN}), or with
 * {@code --topic-threads T} worker threads each (label {@code pgq-java-topicN-tT}). With
 * {@code --warmup S} the producers run S seconds before the measured {@code --duration}, and the
 * events committed then are delivered but not counted (label suffix {@code -wS}): the JVM compiles
 * the hot paths meanwhile. The throughput chart ends with the last second in which events were
 * handled and shows the offered rate as a dashed line. On Linux the summary line reports how busy
 * the machine's cores were while the measured events were produced ({@link MachineCpu}). With
 * {@code --tick-trace true} (pgq-java) it also splits the latency at each event's tick
 * ({@link TickTrace}).
 *
 * <pre>
 * java -cp pgq-benchmarks/target/benchmarks.jar io.pgq.benchmarks.e2e.LoadBenchmark \
 *      --impl pgq-java --rate 1000 --producers 1 --consumers 1 --batch 1 --payload 100 --duration 30 --out docs/benchmarks
 * </pre>
 */
public final class LoadBenchmark {

    static final String QUEUE = "load";

    final String impl;
    final int rate;
    final int producers;
    final int consumers;
    final int batch;
    final int payloadSize;
    final int seconds;
    /** Seconds of production before the measured ones, whose events are not counted. */
    final int warmupSeconds;
    final Path out;
    /** The reference's queue ticker_max_lag and pgqd ticker_period in ms, 0 for their defaults. */
    final int tickerMaxLagMs;
    final int tickerPeriodMs;
    /** Partitions of the topic the pgq-java run uses instead of a queue; 0 for a queue. */
    final int topicPartitions;
    /** Worker threads of each topic member (TopicConsumerConfig.threads). */
    final int topicThreads;
    /** Whether to split each latency at the event's tick ({@link TickTrace}); pgq-java runs only. */
    final boolean traceTicks;
    final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

    final Map<Long, Long> commitNanos = new ConcurrentHashMap<>();
    /** Events whose handler started before their producer thread had recorded the commit. */
    final java.util.Set<Long> handledBeforeRecorded = ConcurrentHashMap.newKeySet();
    /** Events committed during the warm-up, delivered and not counted. */
    final java.util.concurrent.atomic.AtomicLong warmupEvents = new java.util.concurrent.atomic.AtomicLong();
    final ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
    final AtomicLongArray consumedPerSecond;
    final AtomicBoolean producing = new AtomicBoolean(true);
    volatile long startNanos;
    final long wallOffsetNanos = System.currentTimeMillis() * 1_000_000 - System.nanoTime();

    LoadBenchmark(Map<String, String> a) {
        impl = a.getOrDefault("impl", "pgq-java");
        rate = Integer.parseInt(a.getOrDefault("rate", "1000"));
        producers = Integer.parseInt(a.getOrDefault("producers", "1"));
        consumers = Integer.parseInt(a.getOrDefault("consumers", "1"));
        batch = Integer.parseInt(a.getOrDefault("batch", "1"));
        payloadSize = Integer.parseInt(a.getOrDefault("payload", "100"));
        seconds = Integer.parseInt(a.getOrDefault("duration", "30"));
        warmupSeconds = Integer.parseInt(a.getOrDefault("warmup", "0"));
        if (seconds < 1 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--duration must be at least 1 and --warmup at least 0 (seconds)");
        }
        out = Path.of(a.getOrDefault("out", "docs/benchmarks"));
        tickerMaxLagMs = Integer.parseInt(a.getOrDefault("ticker-max-lag-ms", "0"));
        tickerPeriodMs = Integer.parseInt(a.getOrDefault("ticker-period-ms", "0"));
        topicPartitions = Integer.parseInt(a.getOrDefault("topic-partitions", "0"));
        topicThreads = Integer.parseInt(a.getOrDefault("topic-threads", String.valueOf(TopicConsumerConfig.DEFAULT_THREADS)));
        traceTicks = Boolean.parseBoolean(a.getOrDefault("tick-trace", "false"));
        if (traceTicks && !impl.equals("pgq-java")) {
            throw new IllegalArgumentException("--tick-trace needs --impl pgq-java");
        }
        if (topicPartitions > 0 && !impl.equals("pgq-java")) {
            throw new IllegalArgumentException("--topic-partitions needs --impl pgq-java");
        }
        if ((tickerMaxLagMs > 0 || tickerPeriodMs > 0) && !impl.equals("reference")) {
            throw new IllegalArgumentException("--ticker-max-lag-ms and --ticker-period-ms tune the reference (pgqd); "
                    + "use them with --impl reference");
        }
        consumedPerSecond = new AtomicLongArray(warmupSeconds + seconds + 120);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new LoadBenchmark(a).run();
    }

    boolean tuned() {
        return tickerMaxLagMs > 0 || tickerPeriodMs > 0;
    }

    String label() {
        return impl + (tuned() ? "-tuned" : "") + (topicPartitions > 0 ? "-topic" + topicPartitions
                + (topicThreads == TopicConsumerConfig.DEFAULT_THREADS ? "" : "-t" + topicThreads) : "") + "-rate" + (rate == 0 ? "max" : rate) + "-b" + batch + "-p" + producers + "-c" + consumers
                + (warmupSeconds == 0 ? "" : "-w" + warmupSeconds);
    }

    void run() throws Exception {
        TestDatabase db = DatabaseFactory.instance().create("load_" + impl.replace('-', '_'));
        try {
            if (impl.equals("reference")) {
                new ReferenceRun(this, db).run();
            } else {
                runPgqJava(db);
            }
            report();
        } finally {
            DatabaseFactory.instance().drop(db);
        }
    }

    /**
     * Connections for producers, consumers and ticker: a topic member holds one per worker thread
     * while it reads a batch, one to listen and one to heartbeat.
     */
    int poolSize() {
        int perConsumer = topicPartitions > 0 ? topicThreads + 2 : 1;
        return producers + consumers * perConsumer + 4;
    }

    /** How busy the machine's cores were while the measured events were produced (empty where unknown). */
    private volatile String machineCpu = "";

    /** What {@link #tickerSummary} said about the pgq-java run; empty for the reference. */
    private String tickerSummary = "";

    /** With {@code --tick-trace true}: the trace of the run, then what it found for the summary line. */
    private volatile TickTrace tickTrace;
    private String tickTraceSummary = "";

    void runPgqJava(TestDatabase db) throws Exception {
        PgqSchema.install(db.dataSource());
        if (traceTicks) {
            tickTrace = TickTrace.install(db.dataSource());
        }
        MetricRegistry metrics = new MetricRegistry();
        try (Pgq pgq = Pgq.create(PgqConfig.builder().jdbcUrl(db.jdbcUrl()).username(db.user()).password(db.password())
                .maximumPoolSize(poolSize()).metricRegistry(metrics).installSchema(false).build());
             Ticker ticker = Ticker.builder("load", db.dataSource()).config(TickerConfig.defaults()).metrics(metrics).build()) {
            try {
                if (topicPartitions > 0) {
                    runTopic(pgq, ticker);
                } else {
                    runQueue(pgq, ticker);
                }
            } finally {
                tickerSummary = tickerSummary(metrics);
            }
        }
        if (tickTrace != null) {
            tickTraceSummary = tickTrace.summary(db.dataSource());
        }
    }

    /** The ticker's passes and ticks of the run, for the summary line. */
    static String tickerSummary(MetricRegistry metrics) {
        com.codahale.metrics.Timer passes = metrics.timer(io.pgq.ticker.TickerMetrics.tickPass("load"));
        com.codahale.metrics.Snapshot s = passes.getSnapshot();
        return String.format(Locale.ROOT, "; ticker: %d passes (p50 %.2f ms, p99 %.2f ms), %d ticks", passes.getCount(),
                s.getMedian() / 1e6, s.get99thPercentile() / 1e6, metrics.meter(io.pgq.ticker.TickerMetrics.ticks("load")).getCount());
    }

    /** The single-queue run: a {@code PgqConsumer} with {@code consumers} group members. */
    void runQueue(Pgq pgq, Ticker ticker) throws Exception {
        pgq.admin().createQueue(QUEUE);
        PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder(QUEUE, "load")
                        .groupMembers(consumers).build())
                .otherwise(event -> {
                    recordConsumed(event.id(), event);
                    return Outcome.done();
                })
                .build();
        ticker.start();
        consumer.start();
        produceWith(i -> new PgqJavaProducer(pgq));
        drain();
        consumer.close();
    }

    /**
     * The topic run: event ids are per partition queue, so each event carries a sequence number
     * of this run as its key (distinct keys spread the events over all partitions) and latency
     * is matched by that number.
     */
    void runTopic(Pgq pgq, Ticker ticker) throws Exception {
        pgq.topics().createTopic(QUEUE, topicPartitions);
        List<TopicConsumer> group = new ArrayList<>();
        for (int m = 0; m < consumers; m++) {
            group.add(TopicConsumer.builder(pgq, TopicConsumerConfig.builder(QUEUE, "load").memberId("m" + m)
                            .threads(topicThreads).build())
                    .otherwise(event -> {
                        recordConsumed(Long.parseLong(event.key()), event);
                        return Outcome.done();
                    })
                    .build());
        }
        ticker.start();
        group.forEach(TopicConsumer::start);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (group.stream().mapToInt(c -> c.partitions().size()).sum() < topicPartitions
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        produceWith(i -> payloads -> {
            List<OutgoingEvent> events = new ArrayList<>(payloads.size());
            long[] seqs = new long[payloads.size()];
            for (int e = 0; e < seqs.length; e++) {
                seqs[e] = sequence.incrementAndGet();
                events.add(OutgoingEvent.keyed("load", Long.toString(seqs[e]), payloads.get(e)));
            }
            if (events.size() == 1) {
                pgq.topicProducer().send(QUEUE, events.get(0));
            } else {
                pgq.topicProducer().sendAll(QUEUE, events);
            }
            return seqs;
        });
        drain();
        group.forEach(c -> c.stop(Duration.ofSeconds(30)));
    }

    /** A producer connection: sends {@code batch} events per transaction, returns their ids. */
    interface Producer extends AutoCloseable {
        long[] send(List<String> payloads) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    static final class PgqJavaProducer implements Producer {
        private final Pgq pgq;

        PgqJavaProducer(Pgq pgq) {
            this.pgq = pgq;
        }

        @Override
        public long[] send(List<String> payloads) {
            if (payloads.size() == 1) {
                return new long[] {pgq.producer().send(QUEUE, "load", payloads.get(0))};
            }
            return pgq.producer().sendAll(QUEUE, payloads.stream().map(p -> OutgoingEvent.of("load", p)).toList());
        }

        @Override
        public void close() {
        }
    }

    void produceWith(java.util.function.IntFunction<Producer> factory) throws Exception {
        String payload = "x".repeat(Math.max(0, payloadSize));
        List<Thread> threads = new ArrayList<>();
        startNanos = System.nanoTime();
        for (int p = 0; p < producers; p++) {
            Producer producer = factory.apply(p);
            Thread t = new Thread(() -> produceLoop(producer, payload), "load-producer-" + p);
            threads.add(t);
            t.start();
        }
        Thread.sleep(warmupSeconds * 1_000L);
        MachineCpu before = MachineCpu.read();
        Thread.sleep(seconds * 1_000L);
        machineCpu = MachineCpu.describe(before, MachineCpu.read());
        producing.set(false);
        for (Thread t : threads) {
            t.join();
        }
    }

    void produceLoop(Producer producer, String payload) {
        long txPerSecond = rate == 0 ? 0 : Math.max(1, rate / producers / batch);
        long interval = txPerSecond == 0 ? 0 : 1_000_000_000L / txPerSecond;
        long next = System.nanoTime();
        List<String> payloads = java.util.Collections.nCopies(batch, payload);
        try (producer) {
            while (producing.get()) {
                long[] ids = producer.send(payloads);
                long now = System.nanoTime();
                for (long id : ids) {
                    commitNanos.put(id, now);
                }
                if (interval > 0) {
                    next += interval;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    }
                }
            }
        } catch (Exception e) {
            System.err.println("producer failed: " + e);
        }
    }

    void recordConsumed(long eventId) {
        recordConsumed(eventId, null);
    }

    /** As {@link #recordConsumed(long)}; the event (null for the reference) feeds the {@link TickTrace}. */
    void recordConsumed(long eventId, io.pgq.consumer.Event<?> event) {
        long handlerStart = System.nanoTime();
        Long committed = commitNanos.remove(eventId);
        for (int spins = 0; committed == null && spins < 1_000; spins++) {
            Thread.onSpinWait();
            committed = commitNanos.remove(eventId);
        }
        if (committed != null && committed - startNanos < TimeUnit.SECONDS.toNanos(warmupSeconds)) {
            warmupEvents.incrementAndGet();
        } else if (committed != null) {
            latency.recordValue(Math.max(0, (handlerStart - committed) / 1_000));
            if (tickTrace != null && event != null) {
                tickTrace.record(event.queue(), event.txid(), (committed + wallOffsetNanos) / 1_000,
                        (handlerStart + wallOffsetNanos) / 1_000);
            }
        } else {
            handledBeforeRecorded.add(eventId);
        }
        int second = (int) ((handlerStart - startNanos) / 1_000_000_000L);
        if (second >= 0 && second < consumedPerSecond.length()) {
            consumedPerSecond.incrementAndGet(second);
        }
    }

    /**
     * Every event committed was handled: none is left in {@link #commitNanos} but those whose
     * handler ran before their producer recorded the commit (they stay there, see {@link #report}).
     */
    boolean allHandled() {
        return handledBeforeRecorded.containsAll(commitNanos.keySet());
    }

    /** Waits (up to 60 s) until {@link #allHandled}. */
    void drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!allHandled() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    void report() throws IOException {
        Files.createDirectories(out);
        commitNanos.keySet().removeAll(handledBeforeRecorded);
        Histogram h = latency.copy();
        long total = h.getTotalCount();
        double throughput = total / (double) seconds;
        String summary = String.format(Locale.ROOT, "%s: %d events in %d s = %.0f events/s; commit->handler latency "
                        + "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms; not delivered: %d",
                label(), total, seconds, throughput, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, commitNanos.size())
                + (handledBeforeRecorded.isEmpty() ? "" : "; delivered before their commit time was recorded "
                + "(no latency sample): " + handledBeforeRecorded.size())
                + (warmupSeconds == 0 ? "" : "; not counted: " + warmupEvents.get() + " events of a " + warmupSeconds
                + " s warm-up before") + machineCpu + tickerSummary + tickTraceSummary;
        System.out.println(summary);
        Files.writeString(out.resolve(label() + "-summary.txt"), summary + "\n");
        writeLatency(h);
        writeThroughput();
    }

    static final double[] PERCENTILES = {0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100};

    void writeLatency(Histogram h) throws IOException {
        StringBuilder csv = new StringBuilder("percentile,latency_ms\n");
        double[] x = new double[PERCENTILES.length - 1];
        double[] y = new double[PERCENTILES.length - 1];
        for (int i = 0; i < PERCENTILES.length; i++) {
            double ms = h.getValueAtPercentile(PERCENTILES[i]) / 1000.0;
            csv.append(PERCENTILES[i]).append(',').append(String.format(Locale.ROOT, "%.3f", ms)).append('\n');
            if (i < PERCENTILES.length - 1) {
                x[i] = 100.0 / (100.0 - PERCENTILES[i]);
                y[i] = ms;
            }
        }
        Files.writeString(out.resolve(label() + "-latency.csv"), csv);
        plotLatency(label(), x, y, out.resolve(label() + "-latency.png"));
    }

    /** The latency chart: x = 1/(1-p) of the percentiles, marked p0, p50, p90, p99, p99.9. */
    static void plotLatency(String label, double[] x, double[] y, Path png) throws IOException {
        new Plot("Commit-to-handler latency, " + label, "percentile", "latency (ms)", true, false).percentileAxis()
                .add(new Plot.Series(label, x, y)).write(png);
    }

    /** Events handled per second, up to the last second in which events were handled (no idle tail). */
    void writeThroughput() throws IOException {
        StringBuilder csv = new StringBuilder("second,events\n");
        int n = 1;
        for (int s = 0; s < consumedPerSecond.length(); s++) {
            if (consumedPerSecond.get(s) > 0) {
                n = s + 1;
            }
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int s = 0; s < n; s++) {
            csv.append(s).append(',').append(consumedPerSecond.get(s)).append('\n');
            x[s] = s;
            y[s] = consumedPerSecond.get(s);
        }
        Files.writeString(out.resolve(label() + "-throughput.csv"), csv);
        plotThroughput(label(), rate, x, y, out.resolve(label() + "-throughput.png"));
    }

    /**
     * The throughput chart, with the offered rate as a dashed line, or without one the mean of
     * the full seconds; drops an idle tail.
     */
    static void plotThroughput(String label, int rate, double[] x, double[] y, Path png) throws IOException {
        int n = y.length;
        while (n > 1 && y[n - 1] == 0) {
            n--;
        }
        Plot plot = new Plot("Events handled per second, " + label, "second", "events/s", false, false)
                .add(new Plot.Series(label, java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n)));
        if (rate > 0) {
            plot.hline("offered: " + rate + " events/s", rate);
        } else if (n > 2) {
            double sum = 0;
            for (int s = 1; s < n - 1; s++) {
                sum += y[s];
            }
            long mean = Math.round(sum / (n - 2));
            plot.hline("mean of the full seconds (not the first and the last): " + mean + " events/s", mean);
        }
        plot.write(png);
    }

    /** The reference: CREATE EXTENSION pgq, pgqd as ticker, a minimal JDBC consumer. */
    static final class ReferenceRun {
        private final LoadBenchmark b;
        private final TestDatabase db;

        ReferenceRun(LoadBenchmark b, TestDatabase db) {
            this.b = b;
            this.db = db;
        }

        void run() throws Exception {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE EXTENSION pgq");
                st.execute("SELECT pgq.create_queue('" + QUEUE + "')");
                if (b.tickerMaxLagMs > 0) {
                    st.execute("SELECT pgq.set_queue_config('" + QUEUE + "', 'ticker_max_lag', '" + b.tickerMaxLagMs
                            + " milliseconds')");
                }
                st.execute("SELECT pgq.register_consumer('" + QUEUE + "', 'load')");
            }
            Process pgqd = startPgqd();
            Thread consumer = new Thread(this::consume, "load-reference-consumer");
            try {
                consumer.start();
                b.produceWith(i -> jdbcProducer());
                b.drain();
            } finally {
                b.producing.set(false);
                consumer.interrupt();
                consumer.join(5_000);
                pgqd.destroy();
                pgqd.waitFor(5, TimeUnit.SECONDS);
            }
        }

        private Process startPgqd() throws IOException {
            java.net.URI uri = java.net.URI.create(db.jdbcUrl().substring(5));
            Path ini = Files.createTempFile("pgqd", ".ini");
            Files.writeString(ini, "[pgqd]\nbase_connstr = host=" + uri.getHost() + " port=" + uri.getPort()
                    + " user=" + (db.user() == null ? "postgres" : db.user()) + "\ndatabase_list = " + db.name() + "\n"
                    + (b.tickerPeriodMs > 0 ? "ticker_period = " + b.tickerPeriodMs / 1000.0 + "\n" : ""));
            return new ProcessBuilder("pgqd", ini.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        }

        private Producer jdbcProducer() {
            try {
                Connection c = db.connect();
                PreparedStatement one = c.prepareStatement("SELECT pgq.insert_event('" + QUEUE + "', 'load', ?)");
                return new Producer() {
                    @Override
                    public long[] send(List<String> payloads) throws Exception {
                        c.setAutoCommit(payloads.size() == 1);
                        long[] ids = new long[payloads.size()];
                        for (int i = 0; i < ids.length; i++) {
                            one.setString(1, payloads.get(i));
                            try (ResultSet rs = one.executeQuery()) {
                                rs.next();
                                ids[i] = rs.getLong(1);
                            }
                        }
                        if (!c.getAutoCommit()) {
                            c.commit();
                        }
                        return ids;
                    }

                    @Override
                    public void close() throws Exception {
                        c.close();
                    }
                };
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** next_batch / get_batch_events / finish_batch, polling every 100 ms when idle. */
        private void consume() {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                while (!Thread.currentThread().isInterrupted()) {
                    long batch;
                    try (ResultSet rs = st.executeQuery("SELECT pgq.next_batch('" + QUEUE + "', 'load')")) {
                        rs.next();
                        batch = rs.getLong(1);
                        if (rs.wasNull()) {
                            Thread.sleep(100);
                            continue;
                        }
                    }
                    try (ResultSet rs = st.executeQuery("SELECT ev_id FROM pgq.get_batch_events(" + batch + ")")) {
                        while (rs.next()) {
                            b.recordConsumed(rs.getLong(1));
                        }
                    }
                    st.execute("SELECT pgq.finish_batch(" + batch + ")");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.sql.SQLException e) {
                System.err.println("reference consumer failed: " + e);
            }
        }
    }
}
