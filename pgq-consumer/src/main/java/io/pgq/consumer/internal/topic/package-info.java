/**
 * Internals of {@link io.pgq.consumer.TopicConsumer}: the member's coordinator (heartbeats and
 * assignment), one worker per owned partition, ordered handling with retries in place, and the
 * SQL they use. Not API, may change.
 */
package io.pgq.consumer.internal.topic;
