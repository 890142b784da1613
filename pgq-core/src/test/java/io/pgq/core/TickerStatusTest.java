package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whether a ticker runs ({@link QueueInfo#tickerStalled}) and how late a consumer is
 * ({@link ConsumerInfo#eventLag()}), with no ticker running: the test ticks by hand and dates
 * ticks and events back instead of waiting.
 */
class TickerStatusTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static Pgq pgq;
    static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        pgq = Pgq.create(PgqConfig.builder().dataSource(database.dataSource()).build());
    }

    @AfterAll
    static void stop() {
        pgq.close();
    }

    static void sql(String sql, Object... args) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.execute();
        }
    }

    /** Makes every tick of the queue {@code age} older, as if no ticker had run for that long. */
    static void ageTicks(String queue, String age) throws SQLException {
        sql("UPDATE pgq.tick SET tick_time = tick_time - ?::interval WHERE tick_queue = "
                + "(SELECT queue_id FROM pgq.queue WHERE queue_name = ?)", age, queue);
    }

    /** An event inserted now but dated {@code age} back. */
    static void oldEvent(String queue, String age) throws SQLException {
        sql("SELECT pgq.insert_event_raw(?, null, now() - ?::interval, null, null, 't', 'x', null, null, null, null)",
                queue, age);
    }

    static QueueInfo queue(String queue) {
        return pgq.admin().queue(queue).orElseThrow();
    }

    static ConsumerInfo consumer(String queue) {
        return pgq.admin().consumer(queue, "c").orElseThrow();
    }

    @Test
    void aTickerIsStalledWhenEventsWaitLongerThanTheQueueLetsThem() throws SQLException {
        pgq.admin().createQueue("stall", QueueSettings.builder().tickerMaxLag(Duration.ofSeconds(3))
                .tickerIdlePeriod(Duration.ofMinutes(1)).build());
        assertThat(queue("stall").tickerStalled(QueueInfo.DEFAULT_TICK_GRACE)).as("fresh queue").isFalse();

        ageTicks("stall", "5 minutes");
        QueueInfo idle = queue("stall");
        assertThat(idle.eventsWaitingForTick()).isFalse();
        assertThat(idle.tickOverdue(QueueInfo.DEFAULT_TICK_GRACE)).as("idle tick overdue").isTrue();
        assertThat(idle.tickerStalled(QueueInfo.DEFAULT_TICK_GRACE)).as("nothing waits").isFalse();

        pgq.producer().send("stall", "t", "waiting");
        pgq.producer().send("stall", "t", "waiting");   // the first event of a queue is not counted (PgQ's sequence read)
        QueueInfo stalled = queue("stall");
        assertThat(stalled.eventsWaitingForTick()).isTrue();
        assertThat(stalled.expectedTickInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(stalled.tickerStalled(QueueInfo.DEFAULT_TICK_GRACE)).isTrue();
        assertThat(stalled.tickerStalled(Duration.ofMinutes(10))).as("within a long grace").isFalse();

        pgq.admin().pause("stall");
        assertThat(queue("stall").tickerStalled(QueueInfo.DEFAULT_TICK_GRACE)).as("paused").isFalse();
        pgq.admin().resume("stall");

        sql("SELECT pgq.ticker()");
        assertThat(queue("stall").tickerStalled(QueueInfo.DEFAULT_TICK_GRACE)).as("after a tick").isFalse();
    }

    @Test
    void eventLagIsTheAgeOfTheOldestUnhandledEventAndZeroWhenCaughtUp() throws SQLException {
        pgq.admin().createQueue("lag");
        pgq.admin().registerConsumer("lag", "c");
        ageTicks("lag", "1 hour");
        ConsumerInfo idle = consumer("lag");
        assertThat(idle.lag()).as("position age").isGreaterThan(Duration.ofMinutes(59));
        assertThat(idle.eventLag()).as("caught up").isEqualTo(Duration.ZERO);

        oldEvent("lag", "20 minutes");
        oldEvent("lag", "10 minutes");
        assertThat(consumer("lag").eventLag()).as("waiting for a tick")
                .isBetween(Duration.ofMinutes(20), Duration.ofMinutes(21));

        sql("SELECT pgq.ticker()");
        oldEvent("lag", "30 minutes");      // older, but after the tick: not the consumer's next batch
        ConsumerInfo ticked = consumer("lag");
        assertThat(ticked.pendingEvents()).isEqualTo(1);      // 2 events; the first of a queue is not counted
        assertThat(ticked.eventLag()).as("in the next batch").isBetween(Duration.ofMinutes(20), Duration.ofMinutes(21));

        sql("SELECT pgq.finish_batch(pgq.next_batch('lag', 'c'))");
        assertThat(consumer("lag").eventLag()).as("after the batch, the event waiting for a tick")
                .isBetween(Duration.ofMinutes(30), Duration.ofMinutes(31));

        ageTicks("lag", "1 hour");
        sql("SELECT pgq.ticker()");
        sql("SELECT pgq.finish_batch(pgq.next_batch('lag', 'c'))");
        assertThat(consumer("lag").eventLag()).as("caught up again").isEqualTo(Duration.ZERO);
        assertThat(pgq.admin().consumers()).filteredOn(i -> i.queue().equals("lag")).singleElement()
                .extracting(ConsumerInfo::eventLag).isEqualTo(Duration.ZERO);
    }
}
