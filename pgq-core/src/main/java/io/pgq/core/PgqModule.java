package io.pgq.core;

import com.codahale.metrics.MetricRegistry;
import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.PrivateModule;
import com.google.inject.Provider;
import com.google.inject.Scopes;
import com.google.inject.multibindings.OptionalBinder;
import java.lang.annotation.Annotation;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * Guice wiring of one pgq-java client. It binds {@link Pgq}, {@link QueueAdmin} and
 * {@link Producer} (through a private module that exposes only those three) and takes what it
 * needs by injection, never by asking the injector. It does no I/O in {@code configure()}; the
 * client is created (and the schema installed) when {@link Pgq} is first injected. The
 * application closes the {@link Pgq} when it shuts down.
 *
 * <pre>{@code
 * // with an explicit configuration
 * Guice.createInjector(new PgqModule(PgqConfig.builder().jdbcUrl(url).build()));
 * // with the DataSource (and, if bound, the MetricRegistry) of the application's injector
 * Guice.createInjector(appModule, PgqModule.usingBoundDataSource(b -> b.eventTypes(types)));
 * // two clients in one injector, told apart by binding annotations (@Orders, @Billing are yours)
 * Guice.createInjector(new PgqModule(ordersConfig).annotatedWith(Orders.class),
 *         new PgqModule(billingConfig).annotatedWith(Billing.class));
 * // ... @Inject MyService(@Orders Producer orders, @Billing QueueAdmin billingAdmin)
 * }</pre>
 *
 * <p>With {@link #usingBoundDataSource}, an annotated module takes the {@link DataSource} bound
 * with the same annotation ({@code @Billing DataSource}); the {@link MetricRegistry}, when the
 * application binds one, is shared by all clients (metric names carry queue names).
 */
public final class PgqModule extends AbstractModule {

    private final PgqConfig config;
    private final UnaryOperator<PgqConfig.Builder> customizer;
    private final Annotation annotation;
    private final Class<? extends Annotation> annotationType;

    /** Uses exactly this configuration. */
    public PgqModule(PgqConfig config) {
        this(Objects.requireNonNull(config, "config"), null, null, null);
    }

    private PgqModule(
            PgqConfig config,
            UnaryOperator<PgqConfig.Builder> customizer,
            Annotation annotation,
            Class<? extends Annotation> annotationType) {
        this.config = config;
        this.customizer = customizer;
        this.annotation = annotation;
        this.annotationType = annotationType;
    }

    /**
     * Uses the {@link DataSource} bound in the injector, and its {@link MetricRegistry} when one
     * is bound; {@code customizer} may set anything else.
     */
    public static PgqModule usingBoundDataSource(UnaryOperator<PgqConfig.Builder> customizer) {
        return new PgqModule(null, Objects.requireNonNull(customizer, "customizer"), null, null);
    }

    /** The same client bound under the binding annotation {@code annotationType} ({@code @Orders Pgq}). */
    public PgqModule annotatedWith(Class<? extends Annotation> annotationType) {
        return new PgqModule(config, customizer, null, Objects.requireNonNull(annotationType, "annotationType"));
    }

    /** The same client bound under {@code annotation} (for example {@code Names.named("orders")}). */
    public PgqModule annotatedWith(Annotation annotation) {
        return new PgqModule(config, customizer, Objects.requireNonNull(annotation, "annotation"), null);
    }

    /** The key under which this module binds {@code type}. */
    private <T> Key<T> key(Class<T> type) {
        return annotation != null
                ? Key.get(type, annotation)
                : annotationType != null ? Key.get(type, annotationType) : Key.get(type);
    }

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), MetricRegistry.class);
        Provider<DataSource> dataSource = config == null ? getProvider(key(DataSource.class)) : null;
        Provider<Optional<MetricRegistry>> metrics = getProvider(new Key<Optional<MetricRegistry>>() {});
        Key<Pgq> pgqKey = key(Pgq.class);
        Key<QueueAdmin> adminKey = key(QueueAdmin.class);
        Key<Producer> producerKey = key(Producer.class);
        install(new PrivateModule() {
            @Override
            protected void configure() {
                bind(pgqKey)
                        .toProvider(new ClientProvider(config, customizer, dataSource, metrics))
                        .in(Scopes.SINGLETON);
                Provider<Pgq> pgq = getProvider(pgqKey);
                bind(adminKey).toProvider(new SupplierProvider<>(() -> pgq.get().admin()));
                bind(producerKey)
                        .toProvider(new SupplierProvider<>(() -> pgq.get().producer()));
                expose(pgqKey);
                expose(adminKey);
                expose(producerKey);
            }
        });
    }

    /** Creates the client from the configuration, or from the injected DataSource and registry. */
    private static final class ClientProvider implements Provider<Pgq> {
        private final PgqConfig config;
        private final UnaryOperator<PgqConfig.Builder> customizer;
        private final Provider<DataSource> dataSource;
        private final Provider<Optional<MetricRegistry>> metrics;

        ClientProvider(
                PgqConfig config,
                UnaryOperator<PgqConfig.Builder> customizer,
                Provider<DataSource> dataSource,
                Provider<Optional<MetricRegistry>> metrics) {
            this.config = config;
            this.customizer = customizer;
            this.dataSource = dataSource;
            this.metrics = metrics;
        }

        @Override
        public Pgq get() {
            if (config != null) {
                return Pgq.create(config);
            }
            PgqConfig.Builder builder = PgqConfig.builder().dataSource(dataSource.get());
            metrics.get().ifPresent(builder::metricRegistry);
            return Pgq.create(customizer.apply(builder).build());
        }
    }

    /** A Guice provider from a plain supplier (lambdas cannot pick between Guice's two Provider types). */
    private static final class SupplierProvider<T> implements Provider<T> {
        private final Supplier<T> supplier;

        SupplierProvider(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        @Override
        public T get() {
            return supplier.get();
        }
    }
}
