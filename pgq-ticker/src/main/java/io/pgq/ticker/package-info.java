/**
 * The ticker and maintenance daemon: what the reference {@code pgqd} does, with leader election,
 * fast ticks and health reporting. Entry point: {@link io.pgq.ticker.Ticker}.
 * {@code io.pgq.ticker.internal} is not API.
 */
package io.pgq.ticker;
