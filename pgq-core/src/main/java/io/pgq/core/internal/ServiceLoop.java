package io.pgq.core.internal;

import com.codahale.metrics.Meter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The skeleton of every background loop: repeats one iteration until the service stops and
 * survives every {@code Throwable} of an iteration: counts it, lets the loop clean up (close its
 * connection), reports it through one {@link FailureLog} and waits out one {@link Backoff}. An
 * interrupt ends the loop only when the service is stopping. Built per thread; the loop itself
 * runs on one thread, {@link #isHealthy()} may be called from any.
 */
public final class ServiceLoop implements Runnable {

    /** One iteration, including its own waiting for work. */
    @FunctionalInterface
    public interface Iteration {
        /** @return false to end the loop for good (the work it guards was abandoned) */
        boolean run() throws Exception;
    }

    /** Waits out a backoff pause, returning early when the service stops. */
    @FunctionalInterface
    public interface Pause {
        void sleep(Duration pause) throws InterruptedException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServiceLoop.class);
    private static final long SLICE_NANOS = 100_000_000;

    private final Iteration iteration;
    private final BooleanSupplier stopping;
    private final Backoff backoff;
    private final FailureLog failures;
    private final Meter errors;
    private final Consumer<Throwable> cleanup;
    private final Pause pause;

    private ServiceLoop(Builder b) {
        this.iteration = b.iteration;
        this.stopping = b.stopping;
        this.backoff = b.backoff;
        this.failures = new FailureLog(b.log, b.what, b.unhealthyAfter);
        this.errors = b.errors;
        this.cleanup = b.cleanup;
        this.pause = b.pause != null ? b.pause : this::sleepUnlessStopping;
    }

    /**
     * A loop that logs through {@code log}; {@code what} names it with its identity in every
     * line ("ticker for database orders").
     */
    public static Builder builder(String what, Logger log, Iteration iteration) {
        return new Builder(what, log, iteration);
    }

    @Override
    public void run() {
        while (!stopping.getAsBoolean()) {
            try {
                if (!iteration.run()) {
                    return;
                }
                backoff.reset();
                failures.succeeded();
            } catch (InterruptedException e) {
                if (stopping.getAsBoolean()) {
                    return;
                }
            } catch (Throwable t) {
                failed(t);
            }
        }
    }

    private void failed(Throwable failure) {
        if (errors != null) {
            errors.mark();
        }
        try {
            cleanup.accept(failure);
        } catch (Throwable t) {
            LOG.debug("Cleaning up after a failure failed: {}", FailureLog.oneLine(t));
        }
        Duration wait = backoff.next();
        failures.failed(failure, wait);
        try {
            pause.sleep(wait);
        } catch (InterruptedException e) {
            // stop() interrupts; the loop condition decides
        }
    }

    /** False while the loop has been failing for longer than its unhealthy threshold. */
    public boolean isHealthy() {
        return !failures.failingTooLong();
    }

    private void sleepUnlessStopping(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (long left = wait.toNanos(); left > 0 && !stopping.getAsBoolean(); left = deadline - System.nanoTime()) {
            long slice = Math.min(left, SLICE_NANOS);
            Thread.sleep(slice / 1_000_000, (int) (slice % 1_000_000));
        }
    }

    /** Collects the loop's parts. Not thread-safe. */
    public static final class Builder {
        private final String what;
        private final Logger log;
        private final Iteration iteration;
        private BooleanSupplier stopping = () -> false;
        private Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        private Duration unhealthyAfter = Duration.ofSeconds(30);
        private Meter errors;
        private Consumer<Throwable> cleanup = t -> {};
        private Pause pause;

        private Builder(String what, Logger log, Iteration iteration) {
            this.what = Objects.requireNonNull(what, "what");
            this.log = Objects.requireNonNull(log, "log");
            this.iteration = Objects.requireNonNull(iteration, "iteration");
        }

        /** True once the service stops: the loop ends after the current iteration. */
        public Builder stopping(BooleanSupplier stopping) {
            this.stopping = stopping;
            return this;
        }

        /** Pauses after failures: {@code first} doubling up to {@code max} (default 100 ms to 5 s). */
        public Builder backoff(Duration first, Duration max) {
            this.backoff = new Backoff(first, max);
            return this;
        }

        /** After this long failing the loop logs one ERROR and reports unhealthy (default 30 s). */
        public Builder unhealthyAfter(Duration unhealthyAfter) {
            this.unhealthyAfter = unhealthyAfter;
            return this;
        }

        /** Counts every failed iteration. */
        public Builder errors(Meter errors) {
            this.errors = errors;
            return this;
        }

        /** Runs after a failure, before the pause: typically closes the loop's connection. */
        public Builder onFailure(Consumer<Throwable> cleanup) {
            this.cleanup = cleanup;
            return this;
        }

        /** How the backoff pause is waited out (default: sleeps, returning early when stopping). */
        public Builder pause(Pause pause) {
            this.pause = pause;
            return this;
        }

        public ServiceLoop build() {
            return new ServiceLoop(this);
        }
    }
}
