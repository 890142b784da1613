package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.execute;
import static io.pgq.consumer.TestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch much larger than the heap: 300,000 events of about 250 bytes (some 75 MB of text,
 * well over 150 MB as Java objects) consumed by a JVM limited to 64 MB. It only works if the
 * batch is streamed. (The 2,000,000-event figure is measured by ConsumerHeapBenchmark.)
 */
class MemoryBoundTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static final int EVENTS = 300_000;

    @Test
    void aBatchLargerThanTheHeapIsStreamed(TestDatabase db) throws Exception {
        String text = "x".repeat(220);
        try (Pgq pgq = TestSupport.client(db)) {
            execute(db.dataSource(), "CREATE TABLE progress (ev_id bigint, member text)");
            createQueue(pgq, "big");
            pgq.admin().registerConsumer("big", "c");
            new DeadLetters(pgq).createQueue("big.dlq");
            pgq.producer().copy("big", LongStream.range(0, EVENTS)
                    .mapToObj(i -> OutgoingEvent.of("big", "{\"n\":" + i + ",\"text\":\"" + text + "\"}"))::iterator);
            TestSupport.tick(db.dataSource());
            try (ChildJvm child = ChildJvm.start("memory", "64m", db, "big", "c", "count", "0", "-", "0", "0")) {
                await().atMost(TestSupport.WAIT).until(() -> scalar(db.dataSource(),
                        "SELECT count(*) FROM progress") == EVENTS / 10_000
                        && pgq.admin().consumer("big", "c").orElseThrow().currentBatch() == null);
                assertThat(child.isAlive()).isTrue();
                assertThat(child.stop()).doesNotContain("OutOfMemoryError");
            }
        }
    }
}
