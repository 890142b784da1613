package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QueueAdminTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    static Pgq pgq;
    static QueueAdmin admin;
    static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        pgq = Pgq.create(PgqConfig.builder().dataSource(database.dataSource()).build());
        admin = pgq.admin();
    }

    @AfterAll
    static void stop() {
        pgq.close();
    }

    @Test
    void createsConfiguresListsAndDropsQueues() {
        assertThat(admin.createQueue("admin_a")).isTrue();
        assertThat(admin.createQueue("admin_a")).as("second create").isFalse();
        assertThat(admin.createQueue("admin_b", QueueSettings.builder().tickerMaxCount(10)
                .tickerMaxLag(Duration.ofMillis(250)).tickerIdlePeriod(Duration.ofSeconds(5))
                .rotationPeriod(Duration.ofMinutes(30)).build())).isTrue();

        QueueInfo b = admin.queue("admin_b").orElseThrow();
        assertThat(b.tickerMaxCount()).isEqualTo(10);
        assertThat(b.tickerMaxLag()).isEqualTo(Duration.ofMillis(250));
        assertThat(b.tickerIdlePeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.rotationPeriod()).isEqualTo(Duration.ofMinutes(30));
        assertThat(b.tables()).isEqualTo(3);
        assertThat(b.lastTickId()).isEqualTo(1);
        assertThat(b.tickerPaused()).isFalse();

        admin.pause("admin_b");
        assertThat(admin.queue("admin_b").orElseThrow().tickerPaused()).isTrue();
        admin.resume("admin_b");
        assertThat(admin.queue("admin_b").orElseThrow().tickerPaused()).isFalse();

        assertThat(admin.queues()).extracting(QueueInfo::name).contains("admin_a", "admin_b").isSorted();

        admin.dropQueue("admin_a");
        assertThat(admin.queue("admin_a")).isEmpty();
    }

    @Test
    void unknownQueuesAndBadSettingsGetClearErrors() {
        assertThatThrownBy(() -> admin.dropQueue("admin_missing"))
                .isInstanceOf(UnknownQueueException.class).hasMessageContaining("admin_missing");
        assertThatThrownBy(() -> admin.configure("admin_missing", QueueSettings.builder().tickerMaxCount(5).build()))
                .isInstanceOf(UnknownQueueException.class);
        assertThatThrownBy(() -> QueueSettings.builder().tickerMaxCount(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tickerMaxCount must be at least 1, got 0");
        assertThatThrownBy(() -> QueueSettings.builder().tickerMaxLag(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tickerMaxLag must not be negative");
        assertThatThrownBy(() -> admin.createQueue("bad name!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid queue name 'bad name!'");
        assertThat(admin.queues()).extracting(QueueInfo::name).doesNotContain("bad name!");
    }

    @Test
    void registersRepositionsAndUnregistersConsumers() throws SQLException {
        admin.createQueue("admin_c", QueueSettings.builder().tickerMaxLag(Duration.ZERO)
                .tickerIdlePeriod(Duration.ZERO).build());
        assertThat(admin.registerConsumer("admin_c", "alpha")).isTrue();
        assertThat(admin.registerConsumer("admin_c", "alpha")).isFalse();
        assertThat(admin.registerConsumer("admin_c", "beta")).isTrue();

        pgq.producer().send("admin_c", "t", "first");
        QueueReader alpha = new QueueReader(db.dataSource(), "admin_c", "alpha");
        assertThat(alpha.drain()).extracting(QueueReader.Event::data).containsExactly("first");
        Instant between = Instant.now();
        pgq.producer().send("admin_c", "t", "second");
        assertThat(alpha.drain()).extracting(QueueReader.Event::data).containsExactly("second");

        List<ConsumerInfo> consumers = admin.consumers("admin_c");
        assertThat(consumers).extracting(ConsumerInfo::consumer).containsExactly("alpha", "beta");
        assertThat(admin.consumer("admin_c", "beta").orElseThrow().pendingEvents()).isGreaterThanOrEqualTo(2);

        admin.repositionConsumer("admin_c", "alpha", ConsumerPosition.earliest());
        assertThat(alpha.drain()).extracting(QueueReader.Event::data).containsExactly("first", "second");
        admin.repositionConsumer("admin_c", "alpha", ConsumerPosition.at(between));
        assertThat(alpha.drain()).extracting(QueueReader.Event::data).containsExactly("second");
        admin.repositionConsumer("admin_c", "alpha", ConsumerPosition.latest());
        assertThat(alpha.drain()).isEmpty();

        assertThatThrownBy(() -> admin.repositionConsumer("admin_c", "alpha", ConsumerPosition.tick(999_999)))
                .isInstanceOf(PgqException.class).hasMessageContaining("tick not found");
        assertThatThrownBy(() -> admin.repositionConsumer("admin_c", "nobody", ConsumerPosition.latest()))
                .isInstanceOf(ConsumerNotRegisteredException.class).hasMessageContaining("nobody");

        assertThatThrownBy(() -> admin.dropQueue("admin_c")).isInstanceOf(PgqException.class)
                .hasMessageContaining("consumers still attached");
        assertThat(admin.unregisterConsumer("admin_c", "beta")).isTrue();
        assertThat(admin.unregisterConsumer("admin_c", "beta")).isFalse();
        admin.dropQueue("admin_c", true);
        assertThat(admin.queue("admin_c")).isEmpty();
    }
}
