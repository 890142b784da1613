package io.pgq.cli;

import com.codahale.metrics.MetricRegistry;
import io.pgq.consumer.ConsumerConfig;
import io.pgq.consumer.DeadLetters;
import io.pgq.consumer.Outcome;
import io.pgq.consumer.PgqConsumer;
import io.pgq.consumer.RetryPolicy;
import io.pgq.core.EventType;
import io.pgq.core.Health;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.QueueInfo;
import io.pgq.prometheus.PgqMetricsServer;
import io.pgq.ticker.Ticker;
import io.pgq.ticker.TickerConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pgq demo}: everything at once on a live database. Starts an embedded PostgreSQL unless
 * {@code --db} is given, installs the schema, runs a ticker, a producer of typed events and a
 * consumer group of three members; some events fail and are retried, one ends in the dead-letter
 * queue. The same orders' payments go to a keyed topic ({@link DemoTopic}) whose group members join
 * and leave. Shows progress every second until Ctrl-C or {@code --duration}, then shuts down cleanly.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Live demo: ticker, producer and a consumer group with retries and a dead letter, and a keyed "
                + "topic whose group members join and leave, on an embedded PostgreSQL (or --db). Runs until Ctrl-C or "
                + "--duration.")
class DemoCommand implements Callable<Integer> {

    static final String QUEUE = "demo_orders";
    static final String GROUP = "billing";

    @Option(names = "--db", paramLabel = "URL", description = "Use this database instead of an embedded one.")
    String db;
    @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Stop after this long (default: run until Ctrl-C).")
    Duration duration;
    @Option(names = "--rate", paramLabel = "N", description = "Orders per second (default ${DEFAULT-VALUE}).")
    int rate = 200;
    @Option(names = "--members", paramLabel = "N", description = "Consumer group members (default ${DEFAULT-VALUE}).")
    int members = 3;
    @Option(names = "--keep", description = "With --db: leave the demo's queues and consumers in the database "
            + "(by default the demo drops what it created when it stops, also on Ctrl-C and SIGTERM).")
    boolean keep;
    @Mixin
    MetricsPort metricsPort;

    /** How long Ctrl-C or SIGTERM wait for the demo to stop its consumers and drop its queues. */
    private static final Duration CLEANUP_WAIT = Duration.ofSeconds(30);

    /** The demo's payload: an order, typed by its {@code @EventType}. */
    @EventType("order.placed")
    public record OrderPlaced(long orderId, String customer, long amountCents, Instant placedAt, boolean flaky,
                              boolean poison) {
    }

    /** Attempts per order before it becomes a dead letter. */
    static final int MAX_ATTEMPTS = 3;

    private final DemoCounts counts = new DemoCounts();
    private final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(3_600_000_000L, 3);
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Counted down by Ctrl-C, SIGTERM or the end of --duration. */
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Counted down when the demo has stopped everything it started, the embedded server last. */
    private final CountDownLatch finished = new CountDownLatch(1);
    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (rate < 1 || members < 1) {
            throw new CliException("--rate and --members must be at least 1");
        }
        metricsPort.validate();
        PgqCommand.daemonLogging();
        EmbeddedPostgres embedded = null;
        Path dataDir = null;
        String url;
        if (db != null) {
            url = ConnInfo.toJdbcUrl(db);
            out.println("Using database " + ConnInfo.masked(url));
        } else {
            dataDir = Files.createTempDirectory("pgq-demo-");
            out.println("Starting an embedded PostgreSQL 17 (data in " + dataDir + ", deleted on exit) ...");
            // no shutdown hook of its own: on Ctrl-C it would stop the server while the consumers
            // are still finishing their batches; ours waits for the orderly stop below
            embedded = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true)
                    .setRegisterShutdownHook(false)
                    .setOutputRedirector(ProcessBuilder.Redirect.DISCARD).start();
            EmbeddedPostgres server = embedded;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitOrderlyStop(server), "pgq-demo-server-guard"));
            url = embedded.getJdbcUrl("postgres", "postgres");
            out.println("Embedded PostgreSQL listening on port " + embedded.getPort());
        }
        try (OrderlyExit exit = OrderlyExit.install("pgq-demo", CLEANUP_WAIT, this::requestStop)) {
            return run(url);
        } finally {
            if (embedded != null) {
                embedded.close();
                out.println("Embedded PostgreSQL stopped; " + dataDir + " removed.");
            }
            finished.countDown();
        }
    }

    private int run(String url) throws Exception {
        PGSimpleDataSource ds = Database.dataSource(url);
        MetricRegistry metrics = new MetricRegistry();
        try (Pgq pgq = Pgq.create(PgqConfig.builder().jdbcUrl(url).maximumPoolSize(members + 16)
                .metricRegistry(metrics).build())) {
            out.println("pgq schema installed; queue " + QUEUE + ", consumer group " + GROUP + " with " + members + " members");
            DemoObjects objects = DemoObjects.create(pgq.admin(), QUEUE, QUEUE + ConsumerConfig.DEAD_LETTER_SUFFIX);
            try {
                demo(pgq, ds, metrics);
            } finally {
                if (db != null) {
                    objects.cleanUp(keep, out, db);
                }
            }
        }
        return 0;
    }

    private void demo(Pgq pgq, PGSimpleDataSource ds, MetricRegistry metrics) throws InterruptedException {
        Ticker ticker = Ticker.builder("demo", ds).config(TickerConfig.defaults()).metrics(metrics).build();
        PgqConsumer consumer = consumer(pgq);
        ticker.start();
        consumer.start();
        DemoTopic topic = new DemoTopic(pgq, out);
        topic.start();
        Thread producer = new Thread(() -> produce(pgq, topic), "pgq-demo-producer");
        producer.start();
        Map<String, Supplier<Health>> checks = new LinkedHashMap<>();
        checks.put("ticker", () -> ticker.isHealthy() ? Health.healthy(ticker.role().toString())
                : Health.unhealthy("the ticker cannot reach the database"));
        checks.put("consumer " + GROUP, consumer::health);
        try (PgqMetricsServer server = metricsPort.start(metrics, checks, out)) {
            progress(pgq, topic);
        } finally {
            running.set(false);
            producer.join(5_000);
            out.println("Stopping: finishing the batches in hand ...");
            consumer.stop(Duration.ofSeconds(10));
            topic.stop();
            ticker.stop(Duration.ofSeconds(5));
            topic.cleanUp(db != null && !keep, db);
        }
        summary();
    }

    private void requestStop() {
        running.set(false);
        stop.countDown();
    }

    private PgqConsumer consumer(Pgq pgq) {
        ConsumerConfig config = ConsumerConfig.builder(QUEUE, GROUP)
                .groupMembers(members)
                .retryPolicy(RetryPolicy.builder().maxAttempts(MAX_ATTEMPTS).initialDelay(Duration.ofSeconds(1))
                        .multiplier(2).maxDelay(Duration.ofSeconds(4)).build())
                .build();
        return PgqConsumer.builder(pgq, config)
                .handler(OrderPlaced.class, event -> {
                    OrderPlaced order = event.payload();
                    if (event.retryCount() == 0) {
                        latencyMicros.recordValue(Math.max(0, Duration.between(order.placedAt(), Instant.now()).toNanos() / 1_000));
                    }
                    boolean lastAttempt = event.retryCount() + 1 >= MAX_ATTEMPTS;
                    if (order.poison()) {
                        counts.failed(order.orderId(), lastAttempt);
                        throw new IllegalStateException("order " + order.orderId() + " has an invalid amount");
                    }
                    if (order.flaky() && event.retryCount() < 2) {
                        counts.failed(order.orderId(), lastAttempt);
                        throw new UncheckedIOException(new IOException("payment service timed out"));
                    }
                    counts.delivered(order.orderId());
                    return Outcome.done();
                })
                .build();
    }

    private void produce(Pgq pgq, DemoTopic topic) {
        long intervalNanos = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (long i = 1; running.get(); i++) {
            boolean poison = i == 100;
            boolean flaky = !poison && i % 97 == 0;
            // counted before the send: a consumer may handle the order before send() returns
            counts.sent();
            try {
                pgq.producer().send(QUEUE, new OrderPlaced(i, "customer-" + (i % 50), 1_000 + i % 9_000,
                        Instant.now(), flaky, poison));
            } catch (RuntimeException e) {
                counts.unsent();
                out.println("producer: " + e.getMessage());
            }
            try {
                topic.send(i, "customer-" + (i % 50), 1_000 + i % 9_000);
            } catch (RuntimeException e) {
                out.println("producer: " + e.getMessage());
            }
            next += intervalNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void progress(Pgq pgq, DemoTopic topic) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        out.println("Running" + (duration == null ? " until Ctrl-C" : " for " + Tables.duration(duration)) + ":");
        DemoCounts.Snapshot last = counts.snapshot();
        while (!stop.await(1, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
            DemoCounts.Snapshot now = counts.snapshot();
            QueueInfo info = pgq.admin().queue(QUEUE).orElseThrow();
            out.printf(Locale.ROOT, "%4ds  sent %7d (%4d/s)  delivered %7d (%4d/s)  in flight %4d  retried %3d  "
                            + "dead-lettered %d  ticker lag %s  latency p50 %s p99 %s%n",
                    (System.nanoTime() - start) / 1_000_000_000L, now.sent(), now.sent() - last.sent(), now.delivered(),
                    now.delivered() - last.delivered(), now.inFlight(), now.retried(), now.deadLettered(),
                    Tables.duration(info.tickerLag()), millis(latencyMicros.getValueAtPercentile(50)),
                    millis(latencyMicros.getValueAtPercentile(99)));
            last = now;
            topic.tick(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private void summary() {
        DemoCounts.Snapshot c = counts.snapshot();
        out.printf(Locale.ROOT, "Summary: sent %d orders: delivered %d, dead-lettered %d, in flight at the stop %d "
                        + "(waiting for a tick or a retry; they stay in the queue); retried %d times; send-to-handler "
                        + "latency p50 %s, p99 %s, max %s%n", c.sent(), c.delivered(), c.deadLettered(), c.inFlight(),
                c.retried(), millis(latencyMicros.getValueAtPercentile(50)), millis(latencyMicros.getValueAtPercentile(99)),
                millis(latencyMicros.getMaxValue()));
        out.println("Dead letters are events in the queue " + QUEUE + ".dlq; inspect or re-send them with "
                + "'pgq dlq list " + QUEUE + ".dlq' and 'pgq dlq resend " + QUEUE + ".dlq'.");
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1fms", micros / 1000.0);
    }

    /**
     * Shutdown hook of the embedded server. On Ctrl-C the JVM exits once the hooks return, so this
     * one waits (at most 30 s) for the main thread to stop the consumers, the ticker and then the
     * server; if that does not happen, it stops the server itself.
     */
    private void awaitOrderlyStop(EmbeddedPostgres server) {
        try {
            if (finished.await(30, TimeUnit.SECONDS)) {
                return;
            }
            System.err.println("The demo did not stop within 30 s; stopping the embedded PostgreSQL.");
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("Could not stop the embedded PostgreSQL: " + e.getMessage());
        }
    }
}
