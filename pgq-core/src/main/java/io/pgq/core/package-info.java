/**
 * pgq-java's client API: queue administration and producers.
 *
 * <p>Start with {@link io.pgq.core.Pgq#builder()}; with Guice install {@link io.pgq.core.PgqModule}.
 * Everything in {@code io.pgq.core.internal} is not API and may change.
 */
package io.pgq.core;
