package io.pgq.ticker;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.PrivateModule;
import com.google.inject.Provider;
import com.google.inject.Scopes;
import com.google.inject.name.Names;
import io.pgq.core.Pgq;
import java.lang.annotation.Annotation;
import java.util.Objects;

/**
 * Guice wiring of one in-process {@link Ticker}, bound under {@link #key(String)}. It runs on
 * the connection pool and metric registry of the {@link Pgq} bound by {@code PgqModule} (the one
 * annotated with {@link #usingClient} when the injector holds several): size that pool for two
 * more connections, which the ticker holds while it runs. Does no I/O and starts no threads:
 * call {@link Ticker#start()} yourself, and {@link Ticker#close()} at shutdown.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new PgqModule(pgqConfig),
 *         new TickerModule("app-db", TickerConfig.defaults()));
 * Ticker ticker = injector.getInstance(TickerModule.key("app-db"));
 * ticker.start();
 * }</pre>
 */
public final class TickerModule extends AbstractModule {

    private final String name;
    private final TickerConfig config;
    private final Key<Pgq> client;

    /** A ticker named {@code name} (logs, threads, metrics) with {@code config}. */
    public TickerModule(String name, TickerConfig config) {
        this(name, config, Key.get(Pgq.class));
    }

    private TickerModule(String name, TickerConfig config, Key<Pgq> client) {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.client = client;
    }

    /** The same ticker on the client bound with {@code annotationType} ({@code PgqModule.annotatedWith}). */
    public TickerModule usingClient(Class<? extends Annotation> annotationType) {
        return new TickerModule(
                name, config, Key.get(Pgq.class, Objects.requireNonNull(annotationType, "annotationType")));
    }

    /** The same ticker on the client bound with {@code annotation}. */
    public TickerModule usingClient(Annotation annotation) {
        return new TickerModule(name, config, Key.get(Pgq.class, Objects.requireNonNull(annotation, "annotation")));
    }

    /** The key of the ticker named {@code name}. */
    public static Key<Ticker> key(String name) {
        return Key.get(Ticker.class, Names.named("pgq-ticker:" + name));
    }

    @Override
    protected void configure() {
        TickerProvider provider = new TickerProvider(name, config, getProvider(client));
        Key<Ticker> key = key(name);
        install(new PrivateModule() {
            @Override
            protected void configure() {
                bind(key).toProvider(provider).in(Scopes.SINGLETON);
                expose(key);
            }
        });
    }

    /** Builds the ticker on the injected client's pool and registry. */
    private static final class TickerProvider implements Provider<Ticker> {
        private final String name;
        private final TickerConfig config;
        private final Provider<Pgq> pgq;

        TickerProvider(String name, TickerConfig config, Provider<Pgq> pgq) {
            this.name = name;
            this.config = config;
            this.pgq = pgq;
        }

        @Override
        public Ticker get() {
            Pgq client = pgq.get();
            return Ticker.builder(name, client.dataSource())
                    .config(config)
                    .metrics(client.metrics())
                    .build();
        }
    }
}
