package io.pgq.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.google.inject.AbstractModule;
import com.google.inject.BindingAnnotation;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.pgq.schema.PgqSchema;
import io.pgq.testing.PostgresExtension;
import io.pgq.testing.TestDatabase;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Guice module and the plain builder give the same working client. */
class PgqModuleTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.withTemplate("pgq", PgqSchema::install);

    @EventType("greeting")
    record Greeting(String text) {
    }

    static List<String> sendAndRead(Producer producer, QueueAdmin admin, TestDatabase db, String queue) throws SQLException {
        admin.createQueue(queue);
        QueueReader reader = new QueueReader(db.dataSource(), queue, "reader").register();
        producer.send(queue, new Greeting("hello from " + queue));
        return reader.drain().stream().map(e -> e.type() + " " + e.data()).toList();
    }

    @Test
    void moduleWithConfigurationWorksLikeTheBuilder(TestDatabase db) throws SQLException {
        PgqConfig config = PgqConfig.builder().dataSource(db.dataSource()).build();
        Injector injector = Guice.createInjector(new PgqModule(config));
        try (Pgq plain = Pgq.create(config)) {
            List<String> viaGuice = sendAndRead(injector.getInstance(Producer.class),
                    injector.getInstance(QueueAdmin.class), db, "via_guice");
            List<String> viaBuilder = sendAndRead(plain.producer(), plain.admin(), db, "via_builder");

            assertThat(viaGuice).containsExactly("greeting {\"text\":\"hello from via_guice\"}");
            assertThat(viaBuilder).containsExactly("greeting {\"text\":\"hello from via_builder\"}");
            assertThat(injector.getInstance(Pgq.class)).isSameAs(injector.getInstance(Pgq.class));
        }
    }

    @Test
    void moduleUsesTheInjectorsDataSourceAndMetricRegistry(TestDatabase db) throws SQLException {
        MetricRegistry registry = new MetricRegistry();
        Injector injector = Guice.createInjector(new AbstractModule() {
            @Override
            protected void configure() {
                bind(DataSource.class).toInstance(db.dataSource());
                bind(MetricRegistry.class).toInstance(registry);
            }
        }, PgqModule.usingBoundDataSource(b -> b.installSchema(false)));

        sendAndRead(injector.getInstance(Producer.class), injector.getInstance(QueueAdmin.class), db, "bound");

        assertThat(registry.meter(ProducerMetrics.events("bound")).getCount()).isEqualTo(1);
    }

    @BindingAnnotation
    @Retention(RetentionPolicy.RUNTIME)
    @interface Orders {
    }

    @BindingAnnotation
    @Retention(RetentionPolicy.RUNTIME)
    @interface Billing {
    }

    @Test
    void severalClientsInOneInjectorToldApartByBindingAnnotations(TestDatabase db) throws SQLException {
        MetricRegistry registry = new MetricRegistry();
        Injector injector = Guice.createInjector(new AbstractModule() {
            @Override
            protected void configure() {
                bind(DataSource.class).annotatedWith(Billing.class).toInstance(db.dataSource());
                bind(MetricRegistry.class).toInstance(registry);
            }
        }, new PgqModule(PgqConfig.builder().dataSource(db.dataSource()).build()).annotatedWith(Orders.class),
                PgqModule.usingBoundDataSource(b -> b.installSchema(false)).annotatedWith(Billing.class),
                new PgqModule(PgqConfig.builder().dataSource(db.dataSource()).build()).annotatedWith(Names.named("audit")));

        Pgq orders = injector.getInstance(Key.get(Pgq.class, Orders.class));
        Pgq billing = injector.getInstance(Key.get(Pgq.class, Billing.class));
        Pgq audit = injector.getInstance(Key.get(Pgq.class, Names.named("audit")));
        assertThat(List.of(orders, billing, audit)).doesNotHaveDuplicates();
        assertThat(injector.getInstance(Key.get(Pgq.class, Orders.class))).isSameAs(orders);
        assertThat(injector.getExistingBinding(Key.get(Pgq.class))).isNull();   // no unannotated client

        assertThat(sendAndRead(injector.getInstance(Key.get(Producer.class, Orders.class)),
                injector.getInstance(Key.get(QueueAdmin.class, Orders.class)), db, "orders_q"))
                .containsExactly("greeting {\"text\":\"hello from orders_q\"}");
        assertThat(sendAndRead(injector.getInstance(Key.get(Producer.class, Billing.class)),
                injector.getInstance(Key.get(QueueAdmin.class, Billing.class)), db, "billing_q"))
                .containsExactly("greeting {\"text\":\"hello from billing_q\"}");
        assertThat(billing.metrics()).isSameAs(registry);                         // the bound registry
        assertThat(orders.metrics()).isNotSameAs(registry);                       // its own configuration's
        orders.close();
        billing.close();
        audit.close();
    }

    @Test
    void creatingTheInjectorTouchesNoDatabase() {
        PgqConfig unreachable = PgqConfig.builder().jdbcUrl("jdbc:postgresql://127.0.0.1:1/nowhere").build();
        Injector injector = Guice.createInjector(new PgqModule(unreachable));
        assertThat(injector.getExistingBinding(Key.get(Pgq.class))).isNotNull();
    }
}
