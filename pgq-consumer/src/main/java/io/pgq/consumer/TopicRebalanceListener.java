package io.pgq.consumer;

import java.util.Collection;

/**
 * Hears which partitions of a topic a {@link TopicConsumer} member owns, with the contract of
 * Kafka's {@code ConsumerRebalanceListener}. Partition numbers are those of
 * {@link io.pgq.core.TopicRouting}. The default methods do nothing.
 *
 * <p><b>Threads and order.</b> {@link #onPartitionsAssigned} and {@link #onPartitionsLost} are
 * called on the member's coordinator thread ({@code pgq-topic-<topic>-<group>-coordinator}),
 * after the heartbeat that showed the change; in one heartbeat, lost partitions are reported
 * before assigned ones, and an assigned partition's first batch is handled only after
 * {@code onPartitionsAssigned} returned. {@link #onPartitionsRevoked} is called on the worker
 * thread that handled the partition ({@code pgq-topic-<topic>-<n>}), after the batch in hand is
 * finished and before the partition is released, so before another member may take it. For one
 * partition the calls never overlap. A listener shared by several members is called from
 * several threads.
 *
 * <p><b>Exceptions</b> thrown by a listener are logged and otherwise ignored: the rebalance
 * goes on.
 */
public interface TopicRebalanceListener {

    /** The member now owns these partitions (new lease, new epoch); nothing of them was handled yet. */
    default void onPartitionsAssigned(Collection<Integer> partitions) {
    }

    /**
     * The member gives these partitions up in order (rebalance, or the member stops): their last
     * batch is finished and the position committed; another member may take them once this
     * returns.
     */
    default void onPartitionsRevoked(Collection<Integer> partitions) {
    }

    /**
     * The member lost these partitions without handing them over: its lease expired (no
     * heartbeat for the session timeout) or another member took them. Work in hand for them
     * could not be finished and will be delivered again to the new owner; do not commit
     * anything more for them.
     */
    default void onPartitionsLost(Collection<Integer> partitions) {
    }
}
