package io.pgq.consumer;

import static io.pgq.consumer.TestSupport.createQueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.Injector;
import io.pgq.core.EventType;
import io.pgq.core.Pgq;
import io.pgq.core.PgqConfig;
import io.pgq.core.PgqModule;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
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
        assertThat(consumer.state()).isEqualTo(ConsumerState.NEW);   // nothing started by Guice
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
}
