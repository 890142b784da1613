package io.pgq.consumer;

/**
 * Handles the events of one type, one at a time, with the payload decoded as {@code T}.
 *
 * <pre>{@code
 * EventHandler<OrderCreated> billing = event -> {
 *     invoices.create(event.payload());
 *     return Outcome.done();
 * };
 * }</pre>
 *
 * <p>Called on the consumer's thread for that batch ({@code pgq-consumer-<queue>-<n>}); events
 * of a batch arrive in {@code ev_id} order. A thrown exception is handed to the
 * {@link RetryPolicy}, which chooses retry or dead letter. Returning {@code null} counts as a
 * failure ({@link IllegalStateException}). Implementations used by several members of a group
 * in one JVM are called from several threads at once.
 *
 * @param <T> payload type, decoded from {@code ev_data} with the client's Jackson
 *            {@code ObjectMapper} ({@code String} means the raw text)
 */
@FunctionalInterface
public interface EventHandler<T> {

    Outcome handle(Event<T> event) throws Exception;
}
