package io.pgq.consumer.internal.topic;

/**
 * One row of {@code pgq_topic.heartbeat}: a partition the member owns, at {@code epoch};
 * {@code revoke} when another member is its target; the progress of its open batch
 * ({@code batchId} 0 when none). Immutable.
 */
record Lease(int partition, long epoch, boolean revoke, long batchId, long doneEvId) {
}
