/**
 * Prometheus and health endpoints for applications that use pgq-java: {@link
 * io.pgq.prometheus.PgqMetricsServer} serves {@code /metrics} from the application's Dropwizard
 * {@code MetricRegistry} (through the Prometheus Java client) and {@code /health} from its health
 * checks; {@link io.pgq.prometheus.PgqPrometheus} adds the registry to a Prometheus registry the
 * application already serves.
 */
package io.pgq.prometheus;
