package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bulk COPY of 100,000 events while the event tables rotate again and again. */
class BulkCopyTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static final String QUEUE = "bulk";
    static final int EVENTS = 100_000;
    static final int CHUNK = 2_000;

    @Test
    void everyEventIsDeliveredOnceAcrossRotations(TestDatabase db) throws Exception {
        try (Pgq pgq = Pgq.create(PgqConfig.builder().dataSource(db.dataSource()).build())) {
            pgq.admin().createQueue(QUEUE, QueueSettings.builder().rotationPeriod(Duration.ZERO)
                    .tickerMaxLag(Duration.ZERO).tickerIdlePeriod(Duration.ZERO).build());
            QueueReader reader = new QueueReader(db.dataSource(), QUEUE, "reader").register();

            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicInteger rotations = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                Future<?> maintenance = pool.submit(() -> tickAndRotate(db, producing, rotations));
                Future<List<QueueReader.Event>> consumer = pool.submit(() -> consume(reader, producing));
                List<Future<Long>> producers = new ArrayList<>();
                for (int p = 0; p < 2; p++) {
                    int producer = p;
                    producers.add(pool.submit(() -> produce(pgq, producer, rotations)));
                }
                long copied = 0;
                for (Future<Long> f : producers) {
                    copied += f.get();
                }
                producing.set(false);
                maintenance.get();
                List<QueueReader.Event> delivered = new ArrayList<>(consumer.get());
                delivered.addAll(reader.drain());

                assertThat(copied).isEqualTo(EVENTS);
                assertThat(rotations.get()).as("rotations during the copy").isGreaterThanOrEqualTo(3);
                assertEachDeliveredOnce(delivered);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Producer {@code p} copies its half of the payloads, CHUNK events per transaction, in four
     * phases; phase k starts once the tables have rotated k times, so that rotations happen during
     * the copy however fast or slow the machine is.
     */
    static long produce(Pgq pgq, int p, AtomicInteger rotations) throws InterruptedException {
        long n = 0;
        int chunks = EVENTS / 2 / CHUNK;
        for (int k = 0; k < chunks; k++) {
            int phase = k * 4 / chunks;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (rotations.get() < phase) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("producer " + p + " copied " + n + " events; its phase " + phase
                            + " waited 2 minutes for rotation " + phase + ", saw " + rotations.get());
                }
                Thread.sleep(5);
            }
            int start = p * (EVENTS / 2) + k * CHUNK;
            List<OutgoingEvent> chunk = IntStream.range(start, start + CHUNK)
                    .mapToObj(i -> OutgoingEvent.of("bulk", Integer.toString(i))).toList();
            n += pgq.producer().copy(QUEUE, chunk);
        }
        return n;
    }

    static Void tickAndRotate(TestDatabase db, AtomicBoolean producing, AtomicInteger rotations) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            String lastSwitch = switchTime(st);
            while (producing.get()) {
                st.execute("SELECT pgq.ticker('" + QUEUE + "')");
                st.execute("SELECT pgq.maint_rotate_tables_step1('" + QUEUE + "')");
                st.execute("SELECT pgq.maint_rotate_tables_step2()");
                String now = switchTime(st);
                if (!now.equals(lastSwitch)) {
                    rotations.incrementAndGet();
                    lastSwitch = now;
                }
                Thread.sleep(25);
            }
        }
        return null;
    }

    static String switchTime(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT queue_switch_time::text FROM pgq.queue WHERE queue_name = '" + QUEUE + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Reads batches as they come, on one connection, so that it keeps up and rotation can proceed. */
    static List<QueueReader.Event> consume(QueueReader reader, AtomicBoolean producing) throws Exception {
        List<QueueReader.Event> events = new ArrayList<>();
        try (Connection c = reader.dataSource().getConnection(); Statement st = c.createStatement()) {
            while (producing.get()) {
                Long batch = null;
                try (ResultSet rs = st.executeQuery("SELECT pgq.next_batch('" + QUEUE + "', 'reader')")) {
                    rs.next();
                    long id = rs.getLong(1);
                    batch = rs.wasNull() ? null : id;
                }
                if (batch == null) {
                    Thread.sleep(5);
                    continue;
                }
                try (ResultSet rs = st.executeQuery("SELECT ev_data FROM pgq.get_batch_events(" + batch + ")")) {
                    while (rs.next()) {
                        events.add(new QueueReader.Event(0, "bulk", rs.getString(1), null, null, null, null, null));
                    }
                }
                st.execute("SELECT pgq.finish_batch(" + batch + ")");
            }
        }
        return events;
    }

    static void assertEachDeliveredOnce(List<QueueReader.Event> delivered) {
        BitSet seen = new BitSet(EVENTS);
        List<Integer> duplicates = new ArrayList<>();
        for (QueueReader.Event e : delivered) {
            int i = Integer.parseInt(e.data());
            if (seen.get(i)) {
                duplicates.add(i);
            }
            seen.set(i);
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = seen.nextClearBit(0); i < EVENTS && missing.size() < 20; i = seen.nextClearBit(i + 1)) {
            missing.add(i);
        }
        assertThat(duplicates).as("delivered twice (first ones)").isEmpty();
        assertThat(missing).as("never delivered (first 20)").isEmpty();
        assertThat(delivered).hasSize(EVENTS);
    }
}
