package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.core.service.ServiceState;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PgqConsumer#start()} when many consumers start at once (each dead-letter queue
 * registers the same consumer, {@value DeadLetters#RESEND_CONSUMER}) and when the database
 * fails transiently while a consumer starts.
 */
class ConcurrentStartTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static final int CONSUMERS = 8;
    static final int ROUNDS = 3;
    static final Duration BOUND = Duration.ofMinutes(2);

    @Test
    void consumersOfManyQueuesStartAtOnce(TestDatabase db) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(CONSUMERS);
        try (Pgq pgq = Pgq.create(PgqConfig.builder().jdbcUrl(db.jdbcUrl()).username(db.user()).password(db.password())
                .maximumPoolSize(CONSUMERS * 2 + 2).installSchema(false).build())) {
            for (int round = 0; round < ROUNDS; round++) {
                List<PgqConsumer> consumers = new ArrayList<>();
                for (int i = 0; i < CONSUMERS; i++) {
                    String queue = "start_" + round + "_" + i;
                    createQueue(pgq, queue);
                    consumers.add(PgqConsumer.builder(pgq, ConsumerConfig.builder(queue, "c").listen(false).build())
                            .otherwise(e -> Outcome.done()).build());
                }
                CyclicBarrier together = new CyclicBarrier(CONSUMERS);
                List<Future<?>> starts = new ArrayList<>();
                for (PgqConsumer consumer : consumers) {
                    starts.add(threads.submit(() -> {
                        together.await(BOUND.toSeconds(), TimeUnit.SECONDS);
                        consumer.start();
                        return null;
                    }));
                }
                Map<String, String> failed = new TreeMap<>();
                for (int i = 0; i < CONSUMERS; i++) {
                    try {
                        starts.get(i).get(BOUND.toSeconds(), TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        failed.put(consumers.get(i).config().queue(), String.valueOf(e.getCause()));
                    }
                }
                consumers.forEach(c -> c.stop(Duration.ofSeconds(30)));
                assertThat(failed).as("round %s: consumers whose start() failed (queue -> error)", round).isEmpty();
                for (int i = 0; i < CONSUMERS; i++) {
                    assertThat(pgq.admin().consumer("start_" + round + "_" + i + ".dlq", DeadLetters.RESEND_CONSUMER))
                            .as("round %s, queue %s: its dead-letter queue has the resend consumer", round, i).isPresent();
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aTransientFailureWhileStartingIsRetried(TestDatabase db) throws Exception {
        FailingFirst flaky = new FailingFirst(db.dataSource(), 2);
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(flaky).installSchema(false).build())) {
            createQueue(pgq, "flaky");
            PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("flaky", "c").listen(false).build())
                    .otherwise(e -> Outcome.done()).build();
            flaky.arm();
            consumer.start();
            try {
                assertThat(consumer.state()).isEqualTo(ServiceState.RUNNING);
                assertThat(flaky.failed()).as("connections refused while starting").isEqualTo(2);
                assertThat(pgq.admin().consumer("flaky", "c")).isPresent();
            } finally {
                consumer.stop(Duration.ofSeconds(30));
            }
        }
    }

    /** A real data source whose first {@code n} connections after {@link #arm()} are refused (SQLState 08001). */
    private static final class FailingFirst implements DataSource {

        private final DataSource target;
        private final int n;
        private final AtomicInteger failed = new AtomicInteger();
        private volatile boolean armed;

        FailingFirst(DataSource target, int n) {
            this.target = target;
            this.n = n;
        }

        void arm() {
            armed = true;
        }

        int failed() {
            return failed.get();
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (armed && failed.getAndUpdate(f -> f < n ? f + 1 : f) < n) {
                throw new SQLException("injected: connection refused", "08001");
            }
            return target.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return target.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            target.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            target.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return target.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return target.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
