package io.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.Gauge;
import io.pgq.core.GroupSettings;
import io.pgq.core.PgqException;
import io.pgq.core.TopicRouting;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Operating a group: the settings its members share, and the lag of each partition in the metrics. */
class TopicGroupOpsTest extends TopicTestCase {

    private static void createTopic(String topic, int partitions) throws SQLException {
        TestSupport.createEagerTopic(pgq, db.dataSource(), topic, partitions);
    }

    private static TopicConsumerConfig.Builder config(String topic, String member) {
        return TopicConsumerConfig.builder(topic, "grp").memberId(member).sessionTimeout(Duration.ofSeconds(6))
                .heartbeatInterval(Duration.ofMillis(200)).pollInterval(Duration.ofMillis(50)).threads(2);
    }

    private TopicConsumer member(TopicConsumerConfig config, EventHandler<String> handler) {
        return newMember(config, handler, new TopicRebalanceListener() { });
    }

    @Test
    void aMemberConfiguredDifferentlyFromItsGroupIsRefusedUntilTheSettingsAreReset() throws Exception {
        createTopic("ops_set", 2);
        TopicConsumer first = member(config("ops_set", "first").build(), e -> Outcome.done());
        first.start();
        assertThat(pgq.topics().groupSettings("ops_set", "grp")).hasValueSatisfying(s -> {
            assertThat(s.deliveryMode()).isEqualTo("at-least-once");
            assertThat(s.deadLetterQueue()).isEqualTo("ops_set.dlq");
            assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
            assertThat(s.recordedBy()).isEqualTo("first");
        });

        TopicConsumer other = member(config("ops_set", "other").deliveryMode(DeliveryMode.EXACTLY_ONCE)
                .deadLetterQueue("ops_set_other_dlq").build(), e -> Outcome.done());
        assertThatThrownBy(other::start).isInstanceOf(GroupSettingsMismatchException.class)
                .hasMessageContaining("Joining group 'grp' of topic 'ops_set' was refused: member \"other\" is "
                        + "configured differently from group \"grp\" of topic \"ops_set\" (delivery mode: the group's is "
                        + "at-least-once, the member's exactly-once; dead-letter queue: the group's is ops_set.dlq, the "
                        + "member's ops_set_other_dlq); configure it like the group, or stop every member of the group "
                        + "and change the settings with pgq_topic.reset_group_settings('ops_set', 'grp')");
        assertThat(pgq.admin().queue("ops_set_other_dlq")).as("its dead-letter queue was not created").isEmpty();
        assertThat(pgq.topics().describeGroup("ops_set", "grp").orElseThrow().members())
                .extracting(m -> m.memberId()).containsExactly("first");

        assertThatThrownBy(() -> pgq.topics().resetGroupSettings("ops_set", "grp")).isInstanceOf(PgqException.class)
                .hasMessageContaining("still has live members: first");
        first.close();
        assertThat(pgq.topics().resetGroupSettings("ops_set", "grp")).isTrue();
        TopicConsumer changed = member(config("ops_set", "changed").deliveryMode(DeliveryMode.EXACTLY_ONCE).build(),
                e -> Outcome.done());
        changed.start();
        assertThat(pgq.topics().groupSettings("ops_set", "grp")).map(GroupSettings::deliveryMode).hasValue("exactly-once");
        await("the new member owns both partitions", () -> changed.partitions().size() == 2, () -> changed.partitions().toString());
    }

    @Test
    void theLagOfEachOwnedPartitionIsInTheMetrics() throws Exception {
        createTopic("ops_lag", 2);
        CountDownLatch release = new CountDownLatch(1);
        TopicConsumer m = member(config("ops_lag", "lagging").build(), e -> {
            release.await(60, TimeUnit.SECONDS);
            return Outcome.done();
        });
        m.start();
        await("the member owns both partitions", () -> m.partitions().size() == 2, () -> m.partitions().toString());
        int partition = TopicRouting.partition("k", 2);
        String pending = "pgq.topic.ops_lag.grp.partition." + partition + ".pending.events";
        String lag = "pgq.topic.ops_lag.grp.partition." + partition + ".lag.seconds";
        String eventLag = "pgq.topic.ops_lag.grp.partition." + partition + ".event-lag.seconds";
        await("the gauges of both partitions", () -> pgq.metrics().getGauges().keySet().containsAll(List.of(pending, lag,
                eventLag, "pgq.topic.ops_lag.grp.partition." + (1 - partition) + ".pending.events")),
                () -> pgq.metrics().getGauges().keySet().toString());
        for (int i = 0; i < 5; i++) {
            pgq.topicProducer().send("ops_lag", "k", "t", "e" + i);
        }
        // pending.events is PgQ's estimate (a difference of event sequence values): 5 events, give or take one
        await("about 5 pending events on partition " + partition, () -> gauge(pending) instanceof Long n && n >= 4,
                () -> "pending " + gauge(pending));
        assertThat((Long) gauge(pending)).isBetween(4L, 6L);
        assertThat((Double) gauge(lag)).isNotNull().isGreaterThanOrEqualTo(0.0);
        assertThat((Double) gauge(eventLag)).as("the oldest unhandled event has an age").isNotNull().isGreaterThan(0.0);
        release.countDown();
        await("caught up", () -> gauge(pending) instanceof Long n && n == 0, () -> "pending " + gauge(pending));
        m.close();
        assertThat(pgq.metrics().getGauges().keySet()).as("removed when the member leaves")
                .noneMatch(n -> n.startsWith("pgq.topic.ops_lag.grp.partition."));
    }

    private static Object gauge(String name) {
        Gauge<?> g = pgq.metrics().getGauges().get(name);
        return g == null ? null : g.getValue();
    }
}
