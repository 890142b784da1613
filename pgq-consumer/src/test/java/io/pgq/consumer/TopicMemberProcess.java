package io.pgq.consumer;

import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * A topic group member in a JVM of its own, for the multi-JVM tests. Runs until SIGTERM
 * (graceful stop: it leaves its group) or SIGKILL. Each handled event is logged in table
 * {@code topic_log(key, seq, member)}: in {@code alo} mode on its own connection, in {@code eo}
 * mode through the event's transaction (exactly-once). Payloads are {@code "<key>:<seq>"}.
 *
 * <pre>args: jdbcUrl user password topic group memberId mode sleepMillisPerEvent sessionTimeoutMillis</pre>
 */
public final class TopicMemberProcess {

    private TopicMemberProcess() {
    }

    public static void main(String[] args) throws Exception {
        String member = args[5];
        boolean exactlyOnce = args[6].equals("eo");
        long sleep = Long.parseLong(args[7]);
        Duration session = Duration.ofMillis(Long.parseLong(args[8]));
        Pgq pgq = Pgq.create(PgqConfig.builder().jdbcUrl(args[0]).username(args[1])
                .password(args[2].isEmpty() ? null : args[2]).installSchema(false).maximumPoolSize(8).build());
        TopicConsumerConfig config = TopicConsumerConfig.builder(args[3], args[4]).memberId(member).sessionTimeout(session)
                .heartbeatInterval(session.dividedBy(4)).pollInterval(Duration.ofMillis(100)).threads(3)
                .deliveryMode(exactlyOnce ? DeliveryMode.EXACTLY_ONCE : DeliveryMode.AT_LEAST_ONCE).build();
        TopicConsumer consumer = TopicConsumer.builder(pgq, config).otherwise(e -> {
            Thread.sleep(sleep);
            String[] kv = e.data().split(":");
            if (exactlyOnce) {
                log(e.connection(), kv, member);
            } else {
                try (Connection c = pgq.dataSource().getConnection()) {
                    log(c, kv, member);
                }
            }
            return Outcome.done();
        }).build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.stop(Duration.ofSeconds(30));
            pgq.close();
        }));
        consumer.start();
        System.out.println("member " + member + " started");
        Thread.currentThread().join();
    }

    private static void log(Connection c, String[] kv, String member) throws Exception {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO topic_log (key, seq, member) VALUES (?, ?, ?)")) {
            st.setString(1, kv[0]);
            st.setInt(2, Integer.parseInt(kv[1]));
            st.setString(3, member);
            st.execute();
        }
    }
}
