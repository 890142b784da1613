/** Internals of pgq-prometheus: not API, may change. */
package io.pgq.prometheus.internal;
