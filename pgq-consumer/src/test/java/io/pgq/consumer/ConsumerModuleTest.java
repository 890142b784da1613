package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.inject.AbstractModule;
import com.google.inject.BindingAnnotation;
import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Key;
import io.pgq.core.EventType;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.PgqModule;
import io.pgq.core.service.ServiceState;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsumerModuleTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @EventType("greeting")
    public record Greeting(String text) {
    }

    /** Where the handler puts what it saw; injected. */
    static final class Inbox {
        final List<String> texts = new CopyOnWriteArrayList<>();
    }

    static final class GreetingHandler implements TypedEventHandler<Greeting> {
        private final Inbox inbox;

        @Inject
        GreetingHandler(Inbox inbox) {
            this.inbox = inbox;
        }

        @Override
        public Class<Greeting> payloadClass() {
            return Greeting.class;
        }

        @Override
        public Outcome handle(Event<Greeting> event) {
            inbox.texts.add(event.payload().text());
            return Outcome.done();
        }
    }

    @Test
    void handlersFromAMultibinderAndTheClientFromPgqModule(TestDatabase db) {
        Inbox inbox = new Inbox();
        Injector injector = Guice.createInjector(
                new PgqModule(PgqConfig.builder().jdbcUrl(db.jdbcUrl()).username(db.user()).password(db.password())
                        .installSchema(false).build()),
                new ConsumerModule(ConsumerConfig.builder("greetings", "printer").build()),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(Inbox.class).toInstance(inbox);
                        ConsumerModule.handlers(binder(), "greetings", "printer").addBinding().to(GreetingHandler.class);
                    }
                });
        Pgq pgq = injector.getInstance(Pgq.class);
        createQueue(pgq, "greetings");
        PgqConsumer consumer = injector.getInstance(ConsumerModule.key("greetings", "printer"));
        assertThat(injector.getInstance(ConsumerModule.key("greetings", "printer"))).isSameAs(consumer);
        assertThat(consumer.state()).isEqualTo(ServiceState.NEW);   // nothing started by Guice
        try (TestSupport.Ticker ticker = new TestSupport.Ticker(db.dataSource(), true)) {
            consumer.start();
            pgq.producer().send("greetings", new Greeting("hello"));
            await().atMost(TestSupport.WAIT).until(() -> inbox.texts.contains("hello"));
            consumer.close();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            pgq.close();
        }
    }

    @BindingAnnotation
    @Retention(RetentionPolicy.RUNTIME)
    @interface Secondary {
    }

    @Test
    void aConsumerOnAnAnnotatedClientAmongSeveral(TestDatabase db) {
        Inbox inbox = new Inbox();
        Injector injector = Guice.createInjector(
                new PgqModule(PgqConfig.builder().dataSource(db.dataSource()).installSchema(false).build()),
                new PgqModule(PgqConfig.builder().dataSource(db.dataSource()).installSchema(false).build())
                        .annotatedWith(Secondary.class),
                new ConsumerModule(ConsumerConfig.builder("second", "printer").build()).usingClient(Secondary.class),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(Inbox.class).toInstance(inbox);
                        ConsumerModule.handlers(binder(), "second", "printer").addBinding().to(GreetingHandler.class);
                    }
                });
        Pgq secondary = injector.getInstance(Key.get(Pgq.class, Secondary.class));
        createQueue(secondary, "second");
        PgqConsumer consumer = injector.getInstance(ConsumerModule.key("second", "printer"));
        try (TestSupport.Ticker ticker = new TestSupport.Ticker(db.dataSource(), true)) {
            consumer.start();
            secondary.producer().send("second", new Greeting("hello"));
            await().atMost(Duration.ofSeconds(10)).until(() -> inbox.texts.contains("hello"));
            consumer.close();
            // the consumer runs on the annotated client: its metrics are in that client's registry
            assertThat(secondary.metrics().getMeters()).containsKey(ConsumerMetrics.events("second", "printer"));
            assertThat(injector.getInstance(Pgq.class).metrics().getMeters())
                    .doesNotContainKey(ConsumerMetrics.events("second", "printer"));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            secondary.close();
            injector.getInstance(Pgq.class).close();
        }
    }
}
