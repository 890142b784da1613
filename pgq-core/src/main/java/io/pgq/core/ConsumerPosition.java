package io.pgq.core;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Where a consumer (re)starts reading: Kafka's seek vocabulary on PgQ ticks. A consumer
 * positioned at a tick receives the events committed after that tick. The text form
 * ({@link #text()}, {@link #parse(String)}) is {@code earliest}, {@code latest}, {@code tick:42}
 * or an ISO-8601 time such as {@code 2026-11-25T10:00:00Z}; logs and the command line use it.
 */
public sealed interface ConsumerPosition {

    /** This position in the text form {@link #parse(String)} reads. */
    String text();

    /**
     * Reads the text form: {@code earliest}, {@code latest}, {@code tick:N}, or an ISO-8601 time
     * (with {@code Z} or an offset; a time without either is UTC).
     *
     * @throws IllegalArgumentException naming the text and the forms it may take
     */
    static ConsumerPosition parse(String text) {
        String s = Objects.requireNonNull(text, "text").strip();
        if (s.equalsIgnoreCase("earliest")) {
            return earliest();
        }
        if (s.equalsIgnoreCase("latest")) {
            return latest();
        }
        if (s.startsWith("tick:")) {
            try {
                return tick(Long.parseLong(s.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad position '" + text + "': tick:N needs a number");
            }
        }
        try {
            return at(s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")
                    ? OffsetDateTime.parse(s).toInstant() : Instant.parse(s + "Z"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad position '" + text + "': use earliest, latest, tick:N or a "
                    + "timestamp such as 2026-11-25T10:00:00Z");
        }
    }

    /** The oldest tick the queue still keeps: everything still available is re-delivered. */
    static ConsumerPosition earliest() {
        return Earliest.INSTANCE;
    }

    /** The newest tick: only events not yet ticked are delivered. */
    static ConsumerPosition latest() {
        return Latest.INSTANCE;
    }

    /** The newest tick taken at or before {@code time}: events committed after it are delivered. */
    static ConsumerPosition at(Instant time) {
        return new AtTime(Objects.requireNonNull(time, "time"));
    }

    /** An explicit tick id ({@code pgq.register_consumer_at}). */
    static ConsumerPosition tick(long tickId) {
        return new AtTick(tickId);
    }

    /** See {@link #earliest()}. */
    enum Earliest implements ConsumerPosition {
        INSTANCE;

        @Override
        public String text() {
            return "earliest";
        }
    }

    /** See {@link #latest()}. */
    enum Latest implements ConsumerPosition {
        INSTANCE;

        @Override
        public String text() {
            return "latest";
        }
    }

    /** See {@link #at(Instant)}. */
    record AtTime(Instant time) implements ConsumerPosition {
        @Override
        public String text() {
            return time.toString();
        }
    }

    /** See {@link #tick(long)}. */
    record AtTick(long tickId) implements ConsumerPosition {
        @Override
        public String text() {
            return "tick:" + tickId;
        }
    }
}
