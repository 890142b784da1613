package io.pgq.consumer;

/**
 * Hears about the members of a consumer group (Kafka's rebalance listener, PgQ style).
 * Member names are the subconsumer names without the group prefix, e.g. {@code host-1234-2}.
 *
 * <p>Called synchronously on the consumer thread ({@code pgq-consumer-<queue>-<n>}) that
 * noticed the change, between batches: keep it short. Changes are noticed when a member asks
 * for a batch (at least once per {@link ConsumerConfig#pollInterval()}), so they arrive with
 * that delay. An exception thrown by a callback is logged and otherwise ignored: it neither
 * stops the consumer nor affects any batch. Implementations must be thread-safe when the
 * consumer has several members.
 */
public interface GroupListener {

    /** A member appeared in the group; called for every member seen for the first time, this JVM's own included. */
    default void onJoin(String member) {
    }

    /** A member left: stopped gracefully, or was declared dead and removed by another member. */
    default void onLeave(String member) {
    }

    /**
     * This JVM's member {@code member} took over batch {@code batchId} from {@code deadMember},
     * which was not seen for longer than the session timeout; the batch is processed again.
     */
    default void onTakeOver(String member, String deadMember, long batchId) {
    }
}
