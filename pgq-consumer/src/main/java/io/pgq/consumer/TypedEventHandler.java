package io.pgq.consumer;

/**
 * An {@link EventHandler} that knows its payload class, for registration without naming it
 * again, e.g. through Guice ({@link ConsumerModule#handlers}).
 *
 * <pre>{@code
 * final class Billing implements TypedEventHandler<OrderCreated> {
 *     @Inject Billing(InvoiceService invoices) { ... }
 *     public Class<OrderCreated> payloadClass() { return OrderCreated.class; }
 *     public Outcome handle(Event<OrderCreated> event) { ...; return Outcome.done(); }
 * }
 * }</pre>
 *
 * @param <T> payload type
 */
public interface TypedEventHandler<T> extends EventHandler<T> {

    /** The class payloads are decoded into. */
    Class<T> payloadClass();

    /**
     * The {@code ev_type} handled; {@code null} (the default) takes it from the payload class
     * ({@code @EventType} or the client's {@code EventTypes}).
     */
    default String eventType() {
        return null;
    }
}
