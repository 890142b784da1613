/** Internals of the ticker daemon: not API, may change without notice. */
package io.pgq.ticker.internal;
