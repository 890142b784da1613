package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgq.core.OutgoingEvent;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When a member looks: a tick wakes an idle partition long before its poll interval, and the
 * partitions of a member that stopped heartbeating are taken right after its expiry rather than
 * at the survivor's next regular heartbeat. Intervals are set far longer than the time allowed,
 * so the tests fail without the mechanism and pass on a slow machine with it.
 */
class TopicWakeupTest extends TopicTestCase {

    private static void createTopic(String topic, int partitions) throws SQLException {
        TestSupport.createEagerTopic(pgq, db.dataSource(), topic, partitions);
    }

    private TopicConsumer member(TopicConsumerConfig config, EventHandler<String> handler) {
        TopicConsumer m = newMember(config, handler, new TopicRebalanceListener() { });
        m.start();
        return m;
    }

    @Test
    void aTickWakesAnIdlePartitionLongBeforeItsPollInterval() throws Exception {
        createTopic("tw_tick", 2);
        AtomicInteger handled = new AtomicInteger();
        TopicConsumer m = member(TopicConsumerConfig.builder("tw_tick", "grp").memberId("a")
                .pollInterval(Duration.ofHours(1)).build(), e -> {
                    handled.incrementAndGet();
                    return Outcome.done();
                });
        await(Duration.ofSeconds(60), "the member takes both partitions", () -> m.partitions().size() == 2,
                () -> m.partitions().toString());
        for (int round = 1; round <= 3; round++) {   // after the first, the partitions wait out their hour-long poll
            int expected = round * 4;
            List<OutgoingEvent> events = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                events.add(OutgoingEvent.keyed("t", "key" + k, "round " + round));
            }
            pgq.topicProducer().sendAll("tw_tick", events);
            await(Duration.ofSeconds(60), "round " + round + ": the ticks wake the partitions",
                    () -> handled.get() >= expected, () -> handled.get() + " of " + expected + " events handled");
        }
        assertThat(handled.get()).isEqualTo(12);
    }

    @Test
    void partitionsOfAnExpiredMemberAreTakenRightAfterItsExpiry() throws Exception {
        createTopic("tw_expiry", 4);
        // a member that heartbeats once with a 10 s session and is then gone (as after SIGKILL)
        execute(db.dataSource(), "SELECT count(*) FROM pgq_topic.heartbeat('tw_expiry', 'grp', 'gone', interval '10 seconds')");
        long gone = System.nanoTime();
        TopicConsumer survivor = member(TopicConsumerConfig.builder("tw_expiry", "grp").memberId("survivor")
                .sessionTimeout(Duration.ofSeconds(150)).heartbeatInterval(Duration.ofSeconds(50)).build(), e -> Outcome.done());
        boolean joinedBeforeExpiry = survivor.partitions().isEmpty();
        long started = System.nanoTime() - gone;
        await(Duration.ofSeconds(40), "the survivor (heartbeat interval 50 s) takes the expired member's partitions",
                () -> survivor.partitions().size() == 4, () -> survivor.partitions().toString());
        System.out.printf("partitions of a member with a 10 s session taken %d ms after its heartbeat (survivor joined %s, after %d ms)%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - gone),
                joinedBeforeExpiry ? "before its expiry" : "after its expiry", TimeUnit.NANOSECONDS.toMillis(started));
    }
}
