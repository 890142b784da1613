package io.pgq.benchmarks;

import io.pgq.consumer.Outcome;
import io.pgq.consumer.TopicConsumer;
import io.pgq.consumer.TopicConsumerConfig;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.TopicRouting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How long the partitions of a departed member stay unhandled: a member in a child JVM and one in
 * this JVM share an 8-partition topic (session timeout 3 s, heartbeat 0.5 s, poll 50 ms). The child
 * is killed with SIGKILL, or stopped with SIGTERM (it leaves the group gracefully); then an event
 * is sent to each of its partitions and the time until the last of them is handled here is taken,
 * from the signal and, for SIGTERM, from the child's exit. A background loop ticks every 20 ms;
 * the partitions tick as soon as they have an event ({@code ticker_max_lag} 0).
 *
 * <pre>java -cp pgq-benchmarks/target/benchmarks.jar io.pgq.benchmarks.TopicFailover [rounds]</pre>
 */
public final class TopicFailover {

    static final String TOPIC = "bench_failover";
    static final int PARTITIONS = 8;
    static final Duration SESSION = Duration.ofSeconds(3);

    private TopicFailover() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("member")) {
            member(args[1], args[2], args[3], args[4]);
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        try (BenchDatabase db = BenchDatabase.create(BenchDatabase.PGQ_JAVA)) {
            Pgq pgq = db.client(8);
            pgq.topics().createTopic(TOPIC, PARTITIONS);
            for (int p = 0; p < PARTITIONS; p++) {   // tick as soon as an event is there: measure the group, not ticker_max_lag
                pgq.admin().configure(TopicRouting.partitionQueue(TOPIC, p),
                        io.pgq.core.QueueSettings.builder().tickerMaxLag(Duration.ZERO).build());
            }
            Map<String, Long> handledAt = new ConcurrentHashMap<>();
            TopicConsumer survivor = TopicConsumer.builder(pgq, config("survivor")).otherwise(e -> {
                handledAt.putIfAbsent(e.data(), System.nanoTime());
                return Outcome.done();
            }).build();
            Thread ticker = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        db.execute("SELECT pgq.ticker()");
                        Thread.sleep(20);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "bench-ticker");
            ticker.setDaemon(true);
            ticker.start();
            survivor.start();
            try {
                for (int r = 1; r <= rounds; r++) {
                    for (boolean kill : new boolean[] {true, false}) {
                        Process child = startChild(db, "child-" + r + (kill ? "-kill" : "-term"));
                        awaitSplit(survivor);
                        Set<Integer> moved = allBut(survivor.partitions());
                        long signal = System.nanoTime();
                        if (kill) {
                            child.destroyForcibly();
                        } else {
                            child.destroy();
                        }
                        child.waitFor(60, TimeUnit.SECONDS);
                        long exited = System.nanoTime();
                        String tag = r + (kill ? "k" : "t");
                        for (int p : moved) {
                            pgq.topicProducer().send(TOPIC, keyFor(p), "t", tag + "-" + p);
                        }
                        long last = awaitHandled(handledAt, tag, moved);
                        System.out.printf("round %d %s: partitions %s handled again %d ms after the signal%s%n", r,
                                kill ? "SIGKILL" : "SIGTERM (graceful leave)", moved, (last - signal) / 1_000_000,
                                kill ? "" : ", " + (last - exited) / 1_000_000 + " ms after the member's exit");
                    }
                }
            } finally {
                survivor.stop(Duration.ofSeconds(30));
                ticker.interrupt();
                pgq.close();
            }
        }
    }

    static TopicConsumerConfig config(String member) {
        return TopicConsumerConfig.builder(TOPIC, "g").memberId(member).sessionTimeout(SESSION)
                .heartbeatInterval(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(50)).threads(2).build();
    }

    private static Process startChild(BenchDatabase db, String id) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                TopicFailover.class.getName(), "member", db.jdbcUrl(), db.user() == null ? "" : db.user(),
                db.password() == null ? "" : db.password(), id)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** A member in its own JVM until SIGTERM (its shutdown hook leaves the group) or SIGKILL. */
    private static void member(String url, String user, String password, String id) throws Exception {
        Pgq pgq = Pgq.create(PgqConfig.builder().jdbcUrl(url).username(user.isEmpty() ? null : user)
                .password(password.isEmpty() ? null : password).installSchema(false).maximumPoolSize(4).build());
        TopicConsumer c = TopicConsumer.builder(pgq, config(id)).otherwise(e -> Outcome.done()).build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            c.stop(Duration.ofSeconds(10));
            pgq.close();
        }));
        c.start();
        Thread.currentThread().join();
    }

    private static void awaitSplit(TopicConsumer survivor) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (survivor.partitions().size() != PARTITIONS / 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the child did not take half the partitions: " + survivor.partitions());
            }
            Thread.sleep(10);
        }
    }

    private static Set<Integer> allBut(Set<Integer> owned) {
        Set<Integer> others = new java.util.TreeSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            if (!owned.contains(p)) {
                others.add(p);
            }
        }
        return others;
    }

    private static String keyFor(int partition) {
        for (int i = 0; ; i++) {
            if (TopicRouting.partition("k" + i, PARTITIONS) == partition) {
                return "k" + i;
            }
        }
    }

    private static long awaitHandled(Map<String, Long> handledAt, String tag, Set<Integer> partitions)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            long last = 0;
            boolean all = true;
            for (int p : partitions) {
                Long at = handledAt.get(tag + "-" + p);
                if (at == null) {
                    all = false;
                    break;
                }
                last = Math.max(last, at);
            }
            if (all) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("partitions " + partitions + " not handled again within 60 s");
            }
            Thread.sleep(2);
        }
    }
}
