package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.core.ConsumerInfo;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Commands that register something temporary remove it when a real SIGINT or SIGTERM stops them. */
@ExtendWith(PostgresExtension.class)
class SignalTest {

    private TestDatabase db;

    @BeforeEach
    void install(TestDatabase db) {
        this.db = db;
        PgqSchema.install(db.dataSource());
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void tailUnregistersItsTemporaryConsumer(String signal) throws Exception {
        CliProcess.assumeReceivable(signal);
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).build())) {
            pgq.admin().createQueue("tailed");
            try (CliProcess tail = CliProcess.start("tail-" + signal, "tail", "tailed", "--db", CliTest.url(db))) {
                String name = "pgq-tail-" + tail.pid();
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(names(pgq.admin().consumers("tailed")))
                                .as("consumers once the child started; its output: %s", tail.output()).contains(name));

                tail.signal(signal);

                assertThat(names(pgq.admin().consumers("tailed")))
                        .as("consumers after SIG%s; the child's output: %s", signal, tail.output()).doesNotContain(name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void demoDropsItsQueuesAndConsumers(String signal) throws Exception {
        CliProcess.assumeReceivable(signal);
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).build());
             CliProcess demo = CliProcess.start("demo-" + signal, "demo", "--rate", "50", "--db", CliTest.url(db))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(demo.output())
                    .as("the demo's output until it runs").contains(" delivered "));
            assertThat(pgq.admin().queues()).extracting(io.pgq.core.QueueInfo::name)
                    .contains(DemoCommand.QUEUE, DemoCommand.QUEUE + ".dlq");

            demo.signal(signal);

            assertThat(pgq.admin().queues()).as("queues after SIG%s; the demo's output: %s", signal, demo.output())
                    .isEmpty();
            assertThat(pgq.admin().consumers()).isEmpty();
            assertThat(demo.output()).contains("Dropped the demo's queue demo_orders and its consumers.")
                    .contains("Summary: sent ");
        }
    }

    static List<String> names(List<ConsumerInfo> consumers) {
        return consumers.stream().map(ConsumerInfo::consumer).toList();
    }
}
