package io.pgq.cli;

import io.pgq.core.ConsumerPosition;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reads {@code earliest}, {@code latest}, {@code tick:N} or an ISO timestamp. */
final class Positions {

    private Positions() {
    }

    static ConsumerPosition parse(String text) {
        String s = text.strip();
        if (s.equalsIgnoreCase("earliest")) {
            return ConsumerPosition.earliest();
        }
        if (s.equalsIgnoreCase("latest")) {
            return ConsumerPosition.latest();
        }
        if (s.startsWith("tick:")) {
            try {
                return ConsumerPosition.tick(Long.parseLong(s.substring(5)));
            } catch (NumberFormatException e) {
                throw new CliException("bad position '" + text + "': tick:N needs a number");
            }
        }
        try {
            return ConsumerPosition.at(s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")
                    ? OffsetDateTime.parse(s).toInstant() : Instant.parse(s + "Z"));
        } catch (DateTimeParseException e) {
            throw new CliException("bad position '" + text + "': use earliest, latest, tick:N or a timestamp such as "
                    + "2026-11-25T10:00:00Z");
        }
    }
}
