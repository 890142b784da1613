package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static io.pgq.consumer.TestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.consumer.internal.BatchCursor;
import io.pgq.consumer.internal.RawEvent;
import io.pgq.core.OutgoingEvent;
import io.pgq.core.Pgq;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ev_time arrives as text in the ISO DateStyle (every offset form PostgreSQL prints is read), or
 * in binary once pgjdbc has server-prepared the cursor's statements; both give the same instant.
 */
class RawEventTimeTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    private static final List<String> TIMES = List.of("2025-11-25 07:03:19.898123+05:45", "2000-01-01 00:00:00+00",
            "1999-12-31 23:59:59.999999+00", "1970-01-01 00:00:00.000001+00", "1900-01-01 00:00:00+00",
            "0001-01-01 00:00:00+00", "2038-01-19 03:14:08.5+00", "2262-04-11 23:47:16.854775+00");

    private static Instant parse(String text) {
        return new RawEvent(1, text, 1, 0, "t", null, null, null, null, null).instant();
    }

    @Test
    void readsPostgresTimestampTextWithEveryOffsetForm() {
        assertThat(parse("2025-11-25 07:03:19.898123+05:45")).isEqualTo(Instant.parse("2025-11-25T01:18:19.898123Z"));
        assertThat(parse("2025-11-25 07:03:19+00")).isEqualTo(Instant.parse("2025-11-25T07:03:19Z"));
        assertThat(parse("2025-11-25 07:03:19.5-03")).isEqualTo(Instant.parse("2025-11-25T10:03:19.5Z"));
        assertThat(parse("1900-01-01 00:00:00+01:24:12")).isEqualTo(Instant.parse("1899-12-31T22:35:48Z"));
        assertThat(parse(null)).isNull();
    }

    @Test
    void textAndBinaryTransferGiveTheTimeTheDatabaseHas(TestDatabase db) throws Exception {
        int events = 3 * TIMES.size();
        try (Pgq pgq = TestSupport.client(db)) {
            createQueue(pgq, "times");
            pgq.admin().registerConsumer("times", "c");
            pgq.producer().sendAll("times", IntStream.range(0, events).mapToObj(i -> OutgoingEvent.of("t", "x")).toList());
            String table = strings(db.dataSource(), "SELECT pgq.current_event_table('times')").get(0);
            TestSupport.execute(db.dataSource(), "UPDATE " + table + " e SET ev_time = (?::text[])[(1 + n.i % ?)::int]::timestamptz "
                    + "FROM (SELECT ev_id, row_number() OVER (ORDER BY ev_id) - 1 AS i FROM " + table + ") n "
                    + "WHERE e.ev_id = n.ev_id", TIMES.toArray(String[]::new), TIMES.size());
            TestSupport.tick(db.dataSource());
            Map<Long, Instant> expected = new LinkedHashMap<>();
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT ev_id, ev_time FROM " + table + " ORDER BY ev_id")) {
                while (rs.next()) {
                    expected.put(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant());
                }
            }
            assertThat(expected.values()).hasSize(events).contains(Instant.parse("0001-01-01T00:00:00Z"),
                    Instant.parse("1999-12-31T23:59:59.999999Z"));

            List<RawEvent> read = readBatchOneEventPerFetch(db);

            Map<Long, Instant> actual = new LinkedHashMap<>();
            read.forEach(e -> actual.put(e.id(), e.instant()));
            assertThat(actual).containsExactlyEntriesOf(expected);
            // the first FETCHes come as text; from pgjdbc's prepareThreshold on, in binary
            assertThat(read.get(0).timeText()).isNotNull();
            assertThat(read.get(read.size() - 1).timeText()).isNull();
            assertThat(read.get(read.size() - 1).timeMicros()).isNotEqualTo(RawEvent.NO_MICROS);
        }
    }

    /** The batch of queue "times" through the consumer's cursor, with a FETCH per event. */
    private static List<RawEvent> readBatchOneEventPerFetch(TestDatabase db) throws Exception {
        List<RawEvent> read = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            long batch;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pgq.next_batch('times', 'c')")) {
                rs.next();
                batch = rs.getLong(1);
            }
            c.setAutoCommit(false);
            BatchCursor cursor = new BatchCursor(c, batch, 1);
            while (!cursor.exhausted()) {
                read.addAll(cursor.next());
            }
            c.rollback();
        }
        return read;
    }
}
