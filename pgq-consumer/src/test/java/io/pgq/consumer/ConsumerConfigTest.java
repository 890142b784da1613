package io.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsumerConfigTest {

    @Test
    void defaults() {
        ConsumerConfig c = ConsumerConfig.builder("orders", "billing").build();
        assertThat(c.deadLetterQueue()).isEqualTo("orders.dlq");
        assertThat(c.deliveryMode()).isEqualTo(DeliveryMode.AT_LEAST_ONCE);
        assertThat(c.fetchSize()).isEqualTo(ConsumerConfig.DEFAULT_FETCH_SIZE);
        assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.isGroup()).isFalse();
        assertThat(c.toString()).contains("queue=orders", "consumer=billing", "startPosition=latest",
                "sessionTimeout=PT30S").doesNotContain("groupMembers");
    }

    @Test
    void groupSettings() {
        ConsumerConfig c = ConsumerConfig.builder("orders", "billing").groupMembers(3).memberId("node-a")
                .sessionTimeout(Duration.ofSeconds(9)).build();
        assertThat(c.isGroup()).isTrue();
        assertThat(c.memberName(2)).isEqualTo("node-a-2");
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(ConsumerConfig.builder("q", "g").groupMembers(1).build().memberId())
                .matches("[A-Za-z0-9_-]+-\\d+");
    }

    @Test
    void builderRejectsInvalidAndContradictorySettingsNamingThem() {
        assertThatThrownBy(() -> ConsumerConfig.builder("orders", "bad name").build())
                .hasMessageContaining("invalid consumer name 'bad name'");
        assertThatThrownBy(() -> ConsumerConfig.builder("orders", "c").fetchSize(0).build())
                .hasMessage("fetchSize must be between 1 and 100000, got 0");
        assertThatThrownBy(() -> ConsumerConfig.builder("orders", "c").pollInterval(Duration.ofMillis(1)).build())
                .hasMessage("pollInterval must be between 10 ms and 1 h, got 1 ms");
        assertThatThrownBy(() -> ConsumerConfig.builder("orders", "c").deadLetterQueue("orders").build())
                .hasMessage("deadLetterQueue must differ from queue, got orders");
        assertThat(ConsumerConfig.builder("orders", "c").sessionTimeout(Duration.ofSeconds(5)).build().sessionTimeout())
                .as("a plain consumer's lease time").isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> ConsumerConfig.builder("orders", "c")
                .sessionTimeout(Duration.ofSeconds(5)).heartbeatInterval(Duration.ofSeconds(5)).build())
                .hasMessage("heartbeatInterval must be shorter than sessionTimeout (5 s), got 5 s");
        assertThatThrownBy(() -> ConsumerConfig.builder("orders", "c").groupMembers(2)
                .sessionTimeout(Duration.ofSeconds(5)).heartbeatInterval(Duration.ofSeconds(5)).build())
                .hasMessage("heartbeatInterval must be shorter than sessionTimeout (5 s), got 5 s");
        assertThatThrownBy(() -> ConsumerConfig.builder("orders", "c").groupMembers(300).build())
                .hasMessage("groupMembers must be between 0 and 256, got 300");
        assertThatThrownBy(() -> ConsumerConfig.builder("orders", "c").groupMembers(1).memberId("a.b").build())
                .hasMessage("memberId must be 1 to 64 letters, digits, '_', ':' or '-', got 'a.b'");
        assertThatThrownBy(() -> ConsumerConfig.builder("orders", "c").batchMinCount(0).build())
                .hasMessage("batchMinCount must be at least 1, got 0");
    }

    @Test
    void consumerBuilderRejectsMissingAndContradictoryHandlers() {
        io.pgq.core.Pgq pgq = io.pgq.core.Pgq.create(io.pgq.core.PgqConfig.builder()
                .dataSource(new org.postgresql.ds.PGSimpleDataSource()).installSchema(false).build());
        ConsumerConfig config = ConsumerConfig.builder("orders", "c").build();
        assertThatThrownBy(() -> PgqConsumer.builder(pgq, config).build())
                .hasMessageContaining("a consumer needs at least one handler");
        assertThatThrownBy(() -> PgqConsumer.builder(pgq, config).batchHandler(b -> { })
                .otherwise(e -> Outcome.done()).build())
                .hasMessage("a consumer has either a batch handler or event handlers, not both");
        assertThatThrownBy(() -> PgqConsumer.builder(pgq, config).handler("t", String.class, e -> Outcome.done())
                .handler("t", String.class, e -> Outcome.done()))
                .hasMessage("event type 't' has two handlers; register one per type");
        assertThatThrownBy(() -> PgqConsumer.builder(pgq, config).otherwise(e -> Outcome.done())
                .groupListener(new GroupListener() { }).build())
                .hasMessageContaining("a groupListener needs a consumer group");
        assertThatThrownBy(() -> PgqConsumer.builder(pgq, config).handler(String.class, e -> Outcome.done()))
                .hasMessageContaining("No event type for java.lang.String");
    }
}
