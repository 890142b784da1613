package io.pgq.consumer;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Key;
import com.google.inject.PrivateModule;
import com.google.inject.Provider;
import com.google.inject.Scopes;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import io.pgq.core.Pgq;
import java.lang.annotation.Annotation;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Guice wiring of one consumer. Binds a {@link PgqConsumer} under {@link #key(String, String)}
 * built from {@code config}, the {@link Pgq} bound by {@code PgqModule} (the one annotated with
 * {@link #usingClient} when the injector holds several), and the {@link TypedEventHandler}s added
 * to {@link #handlers(Binder, String, String)} from any module. Everything is injected into the
 * consumer's provider; nothing is looked up in the injector. Does no I/O and starts no threads:
 * call {@link PgqConsumer#start()} yourself, and {@link PgqConsumer#close()} at shutdown.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new PgqModule(pgqConfig),
 *         new ConsumerModule(ConsumerConfig.builder("orders", "billing").build()),
 *         new AbstractModule() {
 *             protected void configure() {
 *                 ConsumerModule.handlers(binder(), "orders", "billing").addBinding().to(BillingHandler.class);
 *             }
 *         });
 * PgqConsumer consumer = injector.getInstance(ConsumerModule.key("orders", "billing"));
 * consumer.start();
 * }</pre>
 */
public final class ConsumerModule extends AbstractModule {

    private static final TypeLiteral<TypedEventHandler<?>> HANDLER = new TypeLiteral<>() {};

    private final ConsumerConfig config;
    private final Key<Pgq> client;

    public ConsumerModule(ConsumerConfig config) {
        this(config, Key.get(Pgq.class));
    }

    private ConsumerModule(ConsumerConfig config, Key<Pgq> client) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = client;
    }

    /** The same consumer on the client bound with {@code annotationType} ({@code PgqModule.annotatedWith}). */
    public ConsumerModule usingClient(Class<? extends Annotation> annotationType) {
        return new ConsumerModule(config, Key.get(Pgq.class, Objects.requireNonNull(annotationType, "annotationType")));
    }

    /** The same consumer on the client bound with {@code annotation}. */
    public ConsumerModule usingClient(Annotation annotation) {
        return new ConsumerModule(config, Key.get(Pgq.class, Objects.requireNonNull(annotation, "annotation")));
    }

    /** The key of the consumer of {@code queue} named {@code consumer}. */
    public static Key<PgqConsumer> key(String queue, String consumer) {
        return Key.get(PgqConsumer.class, name(queue, consumer));
    }

    /** The set of handlers of that consumer: {@code handlers(binder(), q, c).addBinding().to(MyHandler.class)}. */
    public static Multibinder<TypedEventHandler<?>> handlers(Binder binder, String queue, String consumer) {
        return Multibinder.newSetBinder(binder, HANDLER, name(queue, consumer));
    }

    /** The optional group listener of that consumer: {@code groupListener(binder(), q, c).setBinding().to(...)}. */
    public static OptionalBinder<GroupListener> groupListener(Binder binder, String queue, String consumer) {
        return OptionalBinder.newOptionalBinder(binder, Key.get(GroupListener.class, name(queue, consumer)));
    }

    private static Named name(String queue, String consumer) {
        return Names.named("pgq-consumer:" + queue + "/" + consumer);
    }

    @Override
    protected void configure() {
        Named name = name(config.queue(), config.consumer());
        handlers(binder(), config.queue(), config.consumer());
        groupListener(binder(), config.queue(), config.consumer());
        ConsumerProvider provider = new ConsumerProvider(
                config,
                getProvider(client),
                getProvider(Key.get(new TypeLiteral<Set<TypedEventHandler<?>>>() {}, name)),
                getProvider(Key.get(new TypeLiteral<Optional<GroupListener>>() {}, name)));
        Key<PgqConsumer> key = key(config.queue(), config.consumer());
        install(new PrivateModule() {
            @Override
            protected void configure() {
                bind(key).toProvider(provider).in(Scopes.SINGLETON);
                expose(key);
            }
        });
    }

    /** Builds the consumer from the injected client, handlers and listener. */
    private static final class ConsumerProvider implements Provider<PgqConsumer> {
        private final ConsumerConfig config;
        private final Provider<Pgq> pgq;
        private final Provider<Set<TypedEventHandler<?>>> handlers;
        private final Provider<Optional<GroupListener>> listener;

        ConsumerProvider(
                ConsumerConfig config,
                Provider<Pgq> pgq,
                Provider<Set<TypedEventHandler<?>>> handlers,
                Provider<Optional<GroupListener>> listener) {
            this.config = config;
            this.pgq = pgq;
            this.handlers = handlers;
            this.listener = listener;
        }

        @Override
        public PgqConsumer get() {
            PgqConsumer.Builder builder = PgqConsumer.builder(pgq.get(), config);
            handlers.get().forEach(builder::handler);
            listener.get().ifPresent(builder::groupListener);
            return builder.build();
        }
    }
}
