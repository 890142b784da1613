package io.pgq.consumer;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Inject;
import com.google.inject.Injector;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Guice wiring of one consumer. Binds a {@link PgqConsumer} under {@link #key(String, String)}
 * built from {@code config}, the {@link Pgq} of the injector (install {@code PgqModule}), and
 * the {@link TypedEventHandler}s added to {@link #handlers(Binder, String, String)} from any
 * module. Does no I/O and starts no threads: call {@link PgqConsumer#start()} yourself.
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

    private static final TypeLiteral<TypedEventHandler<?>> HANDLER = new TypeLiteral<>() {
    };

    private final ConsumerConfig config;

    public ConsumerModule(ConsumerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
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
        handlers(binder(), config.queue(), config.consumer());
        groupListener(binder(), config.queue(), config.consumer());
        Key<PgqConsumer> key = key(config.queue(), config.consumer());
        ConsumerProvider provider = new ConsumerProvider(config);
        install(new PrivateModule() {
            @Override
            protected void configure() {
                bind(key).toProvider(provider).in(Scopes.SINGLETON);
                expose(key);
            }
        });
    }

    /** Builds the consumer from what the injector holds. */
    private static final class ConsumerProvider implements Provider<PgqConsumer> {
        private final ConsumerConfig config;
        @Inject
        private Injector injector;

        ConsumerProvider(ConsumerConfig config) {
            this.config = config;
        }

        @Override
        public PgqConsumer get() {
            Named name = name(config.queue(), config.consumer());
            Set<TypedEventHandler<?>> handlers = injector.getInstance(Key.get(new TypeLiteral<Set<TypedEventHandler<?>>>() {
            }, name));
            Optional<GroupListener> listener = injector.getInstance(Key.get(new TypeLiteral<Optional<GroupListener>>() {
            }, name));
            PgqConsumer.Builder builder = PgqConsumer.builder(injector.getInstance(Pgq.class), config);
            handlers.forEach(builder::handler);
            listener.ifPresent(builder::groupListener);
            return builder.build();
        }
    }
}
