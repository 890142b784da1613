package io.pgq.core;

import com.codahale.metrics.MetricRegistry;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.PrivateModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * Guice wiring of the pgq-java client. A private module: it exposes only {@link Pgq},
 * {@link QueueAdmin} and {@link Producer}. It does no I/O in {@code configure()}; the client is
 * created (and the schema installed) when {@link Pgq} is first injected.
 *
 * <pre>{@code
 * // with an explicit configuration
 * Guice.createInjector(new PgqModule(PgqConfig.builder().jdbcUrl(url).build()));
 * // or with the DataSource (and, if bound, the MetricRegistry) of the application's injector
 * Guice.createInjector(appModule, PgqModule.usingBoundDataSource(b -> b.eventTypes(types)));
 * }</pre>
 */
public final class PgqModule extends PrivateModule {

    private final PgqConfig config;
    private final UnaryOperator<PgqConfig.Builder> customizer;

    /** Uses exactly this configuration. */
    public PgqModule(PgqConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.customizer = null;
    }

    private PgqModule(UnaryOperator<PgqConfig.Builder> customizer) {
        this.config = null;
        this.customizer = customizer;
    }

    /**
     * Uses the {@link DataSource} bound in the injector, and its {@link MetricRegistry} when one
     * is bound explicitly; {@code customizer} may set anything else.
     */
    public static PgqModule usingBoundDataSource(UnaryOperator<PgqConfig.Builder> customizer) {
        return new PgqModule(java.util.Objects.requireNonNull(customizer, "customizer"));
    }

    @Override
    protected void configure() {
        expose(Pgq.class);
        expose(QueueAdmin.class);
        expose(Producer.class);
    }

    @Provides
    @Singleton
    Pgq pgq(Injector injector) {
        return Pgq.create(config != null ? config : fromInjector(injector));
    }

    private PgqConfig fromInjector(Injector injector) {
        PgqConfig.Builder builder = PgqConfig.builder().dataSource(injector.getInstance(DataSource.class));
        if (injector.getExistingBinding(Key.get(MetricRegistry.class)) != null) {
            builder.metricRegistry(injector.getInstance(MetricRegistry.class));
        }
        return customizer.apply(builder).build();
    }

    @Provides
    QueueAdmin admin(Pgq pgq) {
        return pgq.admin();
    }

    @Provides
    Producer producer(Pgq pgq) {
        return pgq.producer();
    }
}
