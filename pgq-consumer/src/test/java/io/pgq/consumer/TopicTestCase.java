package io.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.core.Pgq;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fixture of the topic tests that run their members in the test's JVM: each test class gets
 * a fresh database with the schema, a client and a {@link TestSupport.Ticker} for the class, and
 * every member a test builds with {@link #newMember} is stopped after the test. Test classes run one
 * after the other (the suite has no parallel execution), so the class fields are the running
 * class's.
 */
abstract class TopicTestCase {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static TestDatabase db;
    static Pgq pgq;
    static TestSupport.Ticker ticker;
    private final List<TopicConsumer> members = new ArrayList<>();

    @BeforeAll
    static void startClient(TestDatabase database) {
        db = database;
        pgq = TestSupport.client(database);
        ticker = new TestSupport.Ticker(database.dataSource(), false);
    }

    @AfterAll
    static void stopClient() throws InterruptedException {
        ticker.close();
        pgq.close();
    }

    @AfterEach
    void stopMembers() {
        members.forEach(m -> m.stop(Duration.ofSeconds(30)));
        members.clear();
    }

    /** A member with {@code handler} for every event type, not started yet; stopped after the test. */
    final TopicConsumer newMember(TopicConsumerConfig config, EventHandler<String> handler, TopicRebalanceListener listener) {
        TopicConsumer m = TopicConsumer.builder(pgq, config).otherwise(handler).listener(listener).build();
        members.add(m);
        return m;
    }

    /** Waits up to {@code limit} for {@code condition}; fails with {@code what} and the progress so far. */
    static void await(Duration limit, String what, BooleanSupplier condition, Supplier<String> progress)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within %s; so far: %s", what, limit, progress.get()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** {@link #await(Duration, String, BooleanSupplier, Supplier)} with a 60 s limit. */
    static void await(String what, BooleanSupplier condition, Supplier<String> progress) throws InterruptedException {
        await(Duration.ofSeconds(60), what, condition, progress);
    }
}
