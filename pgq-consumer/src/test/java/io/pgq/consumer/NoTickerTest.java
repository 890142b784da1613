package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.pgq.core.Health;
import io.pgq.core.Pgq;
import io.pgq.core.QueueSettings;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** A consumer on a database where no ticker runs says so, in its log and its health. */
class NoTickerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @Test
    void aConsumerWithEventsWaitingAndNoTickWarnsOnceNamesTheDatabaseAndRecovers(TestDatabase db) throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger watch = (Logger) LoggerFactory.getLogger("io.pgq.consumer.internal.TickWatch");
        watch.addAppender(log);
        MetricRegistry metrics = new MetricRegistry();
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Pgq pgq = TestSupport.client(db, metrics)) {
            pgq.admin().createQueue("quiet", QueueSettings.builder().tickerMaxLag(Duration.ofSeconds(3)).build());
            try (PgqConsumer consumer = PgqConsumer.builder(pgq, ConsumerConfig.builder("quiet", "c")
                    .pollInterval(Duration.ofMillis(200)).build()).otherwise(e -> {
                        handled.add(e.payload());
                        return Outcome.done();
                    }).build()) {
                consumer.start();
                assertThat(consumer.health().healthy()).as("nothing waits yet").isTrue();
                for (int i = 0; i < 10; i++) {
                    pgq.producer().send("quiet", "t", "e" + i);
                }
                // as if no ticker had run for an hour
                execute(db.dataSource(), "UPDATE pgq.tick SET tick_time = tick_time - interval '1 hour'");

                await().atMost(Duration.ofSeconds(60)).until(() -> !consumer.health().healthy());
                // tag::health[]
                Health health = consumer.health();     // also the gauge pgq.consumer.<queue>.<consumer>.healthy
                if (!health.healthy()) {
                    System.err.println(health.reason());   // what is wrong and what to do
                }
                // end::health[]
                String database = db.jdbcUrl().replaceFirst("^jdbc:postgresql://([^/]*)/([^?]*).*$", "$1/$2");
                assertThat(health.reason()).startsWith("no ticker seems to run on database " + database + ": ")
                        .contains("event(s) wait in queue quiet").contains("start `pgq ticker`");
                assertThat(metrics.getGauges().get(ConsumerMetrics.healthy("quiet", "c")).getValue()).isEqualTo(0);
                assertThat(handled).isEmpty();

                Thread.sleep(TickWatchTiming.CHECKS_FOR_ONE_WARNING);   // several checks: still one WARN
                assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                        .extracting(ILoggingEvent::getFormattedMessage).asString()
                        .startsWith("No tick: no ticker seems to run on database " + database)
                        .endsWith("(queue: quiet, consumer: c)");

                TestSupport.tick(db.dataSource());
                await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 10 && consumer.health().healthy());
                assertThat(log.list).filteredOn(e -> e.getLevel() == Level.INFO).singleElement()
                        .extracting(ILoggingEvent::getFormattedMessage).asString()
                        .startsWith("Ticks resumed on database " + database + " for queue quiet");
                @SuppressWarnings("unchecked")
                Gauge<Double> eventLag = (Gauge<Double>) metrics.getGauges()
                        .get(ConsumerMetrics.eventLagSeconds("quiet", "c"));
                await().atMost(Duration.ofSeconds(30)).until(() -> Double.valueOf(0).equals(eventLag.getValue()));
            }
        } finally {
            watch.detachAppender(log);
        }
    }

    /** How long the test watches for repeated warnings: more than two checks of the tick watch. */
    private static final class TickWatchTiming {
        static final long CHECKS_FOR_ONE_WARNING = 12_000;
    }
}
