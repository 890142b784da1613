/**
 * pgq-java consumers: typed handlers, retries with backoff, dead letters, consumer groups and an
 * exactly-once mode, as a daemon ({@link io.pgq.consumer.PgqConsumer}).
 *
 * <p>Start with {@link io.pgq.consumer.ConsumerConfig#builder} and
 * {@link io.pgq.consumer.PgqConsumer#builder}; with Guice install
 * {@link io.pgq.consumer.ConsumerModule}. Everything in {@code io.pgq.consumer.internal} is not
 * API and may change.
 */
package io.pgq.consumer;
