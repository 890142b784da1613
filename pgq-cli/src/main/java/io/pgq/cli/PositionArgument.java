package io.pgq.cli;

import io.pgq.core.ConsumerPosition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a consumer position given on the command line: the text form of
 * {@link ConsumerPosition#parse} ({@code earliest}, {@code latest}, {@code tick:N}) and, for
 * people typing it, {@code earliest}, {@code latest}, {@code tick:N}, a time ago
 * ({@code 30m}, {@code 1h}, {@code 2d}, optionally followed by {@code ago}) or a timestamp
 * ({@code 2026-11-25 10:00}, {@code 2026-11-25 10:00:30}, {@code 2026-11-25T10:00:00Z},
 * {@code 2026-11-25T12:00+02:00}, {@code 2026-11-25}); a timestamp without an offset is UTC.
 */
final class PositionArgument {

    /** Shown in --help and in errors. */
    static final String FORMS = "earliest, latest, tick:N, a time ago (30m, 1h, 2d) or a timestamp "
            + "(2026-11-25 10:00[:SS], ISO 2026-11-25T10:00:00Z; UTC unless an offset is given)";

    private static final Pattern AGO = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h|d)(?:\\s+ago)?");
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm")
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter();

    private PositionArgument() {
    }

    static ConsumerPosition parse(String text) {
        return parse(text, Clock.systemUTC());
    }

    static ConsumerPosition parse(String text, Clock clock) {
        String s = text.strip();
        if (s.equalsIgnoreCase("earliest") || s.equalsIgnoreCase("latest") || s.startsWith("tick:")) {
            try {
                return ConsumerPosition.parse(s);     // the one text form of these positions
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
        }
        Matcher ago = AGO.matcher(s);
        if (ago.matches()) {
            Duration d = ago.group(2).equals("d")
                    ? Durations.ofMillis("position", text, Double.parseDouble(ago.group(1)) * 86_400_000)
                    : Durations.parse("position", ago.group(1) + ago.group(2));
            return ConsumerPosition.at(clock.instant().minus(d));
        }
        return ConsumerPosition.at(timestamp(text, s));
    }

    private static Instant timestamp(String text, String s) {
        try {
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            var parsed = TIMESTAMP.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
            return parsed instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new CliException("bad position '" + text + "': use " + FORMS);
        }
    }
}
