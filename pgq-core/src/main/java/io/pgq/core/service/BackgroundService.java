package io.pgq.core.service;

import java.time.Duration;

/**
 * The contract of every pgq-java daemon: built by a builder that validates its configuration,
 * started once, stopped within a timeout. Implementations are thread-safe.
 *
 * <ul>
 *   <li><b>Build</b>: {@code X.builder(...)...build()} creates the service and starts nothing:
 *       no thread, no connection, no metric.</li>
 *   <li><b>Start</b>: {@link #start()} checks what it needs (throwing a clear exception when it
 *       cannot run), logs its effective configuration once at INFO (passwords masked),
 *       registers its gauges and starts its named threads. Once only.</li>
 *   <li><b>Run</b>: its loops never die from a failure: every {@code Throwable} of an iteration
 *       is counted in its {@code errors} meter, logged (WARN when a failure starts, ERROR once
 *       when it has lasted longer than the service's unhealthy threshold, INFO on recovery) and
 *       followed by an exponential backoff.</li>
 *   <li><b>Stop</b>: {@link #stop(Duration)} takes no new work, waits up to the timeout for the
 *       work in hand, abandons what is left (rolled back, done again later) and returns whether
 *       everything finished in time. It removes the service's gauges, so a new service of the
 *       same name can start on the same registry; meters, timers and histograms stay (they are
 *       shared by name and keep counting). {@link #close()} is {@code stop} with the service's
 *       configured shutdown timeout. Stopping twice, or a service never started, is harmless.</li>
 *   <li><b>State and health</b>: {@link #state()} is the lifecycle; {@link #isHealthy()} is false
 *       when the service is not running or its loops have been failing for longer than its
 *       unhealthy threshold (also a {@code healthy} gauge, 1 or 0).</li>
 * </ul>
 */
public interface BackgroundService extends AutoCloseable {

    /** Identifies the service in logs, thread names and metric names. */
    String name();

    /**
     * Starts the service's threads. Once only.
     *
     * @throws IllegalStateException when the service was started before
     */
    void start();

    /**
     * Stops taking new work and waits up to {@code timeout} for the work in hand.
     *
     * @return true if everything stopped within the timeout, false if work was abandoned or a
     *     thread is still running
     */
    boolean stop(Duration timeout);

    /** {@link #stop(Duration)} with the configured shutdown timeout. */
    @Override
    void close();

    ServiceState state();

    /** Running, and its loops have not been failing for longer than the unhealthy threshold. */
    boolean isHealthy();
}
