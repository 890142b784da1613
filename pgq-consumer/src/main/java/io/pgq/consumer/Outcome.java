package io.pgq.consumer;

import io.pgq.core.internal.Check;
import java.time.Duration;
import java.util.Objects;

/**
 * What happens to an event after its handler ran. Immutable.
 *
 * <ul>
 *   <li>{@link #done()}: processed; nothing more happens to it.</li>
 *   <li>{@link #retry()} / {@link #retry(Duration)}: delivered again later
 *       ({@code pgq.event_retry_many}, or {@code pgq.event_retry} on the reference PgQ), with
 *       {@link Event#retryCount()} one higher; once the {@link RetryPolicy} has no attempts left
 *       it goes to the dead-letter queue instead.</li>
 *   <li>{@link #deadLetter(String)}: moved to the dead-letter queue with this reason.</li>
 * </ul>
 *
 * A handler that throws gets the outcome its {@link RetryPolicy} chooses for the exception.
 */
public sealed interface Outcome {

    /** The event is processed. */
    static Outcome done() {
        return Done.INSTANCE;
    }

    /** Deliver the event again after the retry policy's backoff for this attempt. */
    static Outcome retry() {
        return new Retry(null);
    }

    /** Deliver the event again after {@code delay} (at least zero). */
    static Outcome retry(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        Check.notNegative("retry delay", delay);
        return new Retry(delay);
    }

    /** Move the event to the dead-letter queue; {@code reason} is kept with it (no payloads, please). */
    static Outcome deadLetter(String reason) {
        Objects.requireNonNull(reason, "reason");
        return new ToDeadLetters(reason);
    }

    /** See {@link #done()}. */
    enum Done implements Outcome { INSTANCE }

    /** See {@link #retry(Duration)}; {@code delay} is {@code null} for the policy's backoff. */
    record Retry(Duration delay) implements Outcome {
    }

    /**
     * See {@link #deadLetter(String)}. (Named apart from {@link io.pgq.consumer.DeadLetter}, the
     * letter itself as {@link DeadLetters} reads it.)
     */
    record ToDeadLetters(String reason) implements Outcome {
    }
}
