package io.pgq.consumer;

import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A consumer in a JVM of its own, for the crash, group and memory tests. Runs until it gets
 * SIGTERM (graceful close) or SIGKILL.
 *
 * <pre>args: jdbcUrl user password queue consumer mode groupMembers memberId sleepMillisPerEvent sessionTimeoutMillis</pre>
 * Modes: {@code alo} writes an effect row per event on its own connection (at-least-once);
 * {@code eo} writes it through the batch's transaction (exactly-once) and a progress row on its
 * own connection; {@code eo-batch} writes the effects of a whole batch with one statement;
 * {@code count} writes a progress row per 10,000 events and nothing else.
 */
public final class ConsumerProcess {

    private ConsumerProcess() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[5];
        int members = Integer.parseInt(args[6]);
        long sleep = Long.parseLong(args[8]);
        Pgq pgq = Pgq.create(PgqConfig.builder().jdbcUrl(args[0]).username(args[1])
                .password(args[2].isEmpty() ? null : args[2]).installSchema(false).maximumPoolSize(members + 6).build());
        ConsumerConfig.Builder config = ConsumerConfig.builder(args[3], args[4])
                .deliveryMode(mode.startsWith("eo") ? DeliveryMode.EXACTLY_ONCE : DeliveryMode.AT_LEAST_ONCE)
                .pollInterval(Duration.ofMillis(200));
        if (members > 0) {
            config.groupMembers(members).memberId(args[7]);
        }
        if (Long.parseLong(args[9]) > 0) {   // a plain consumer's lease time
            config.sessionTimeout(Duration.ofMillis(Long.parseLong(args[9])));
        }
        PgqConsumer.Builder builder = PgqConsumer.builder(pgq, config.build());
        AtomicLong counted = new AtomicLong();
        switch (mode) {
            case "alo" -> builder.otherwise(e -> {
                sleep(sleep);
                try (Connection c = pgq.dataSource().getConnection()) {
                    insert(c, "INSERT INTO effects VALUES (?, ?)", e.id(), member());
                }
                return Outcome.done();
            });
            case "eo" -> builder.otherwise(e -> {
                sleep(sleep);
                insert(e.connection(), "INSERT INTO effects VALUES (?, ?)", e.id(), member());
                try (Connection c = pgq.dataSource().getConnection()) {
                    insert(c, "INSERT INTO progress VALUES (?, ?)", e.id(), member());
                }
                return Outcome.done();
            });
            case "eo-batch" -> builder.batchHandler(batch -> {
                sleep(sleep);
                List<Long> ids = new ArrayList<>();
                batch.events().forEach(e -> ids.add(e.id()));
                try (PreparedStatement st = batch.connection().prepareStatement(
                        "INSERT INTO effects SELECT unnest(?::bigint[]), ?")) {
                    st.setArray(1, batch.connection().createArrayOf("bigint", ids.toArray()));
                    st.setString(2, member());
                    st.executeUpdate();
                }
            });
            case "count" -> builder.handler("big", Big.class, e -> {
                if (counted.incrementAndGet() % 10_000 == 0) {
                    try (Connection c = pgq.dataSource().getConnection()) {
                        insert(c, "INSERT INTO progress VALUES (?, ?)", counted.get(), member());
                    }
                }
                return Outcome.done();
            });
            default -> throw new IllegalArgumentException("mode " + mode);
        }
        PgqConsumer consumer = builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.close();
            pgq.close();
        }));
        consumer.start();
    }

    /** The payload of the memory test. */
    public record Big(long n, String text) {
    }

    private static String member() {
        return ProcessHandle.current().pid() + "/" + Thread.currentThread().getName();
    }

    private static void sleep(long millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static void insert(Connection c, String sql, long id, String member) throws Exception {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, id);
            st.setString(2, member);
            st.executeUpdate();
        }
    }
}
