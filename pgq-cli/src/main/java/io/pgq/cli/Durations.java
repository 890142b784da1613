package io.pgq.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations such as {@code 10ms}, {@code 1.5s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
final class Durations {

    private static final Pattern FORMAT = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?\\s*");

    private Durations() {
    }

    static Duration parse(String what, String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new CliException(what + ": '" + text + "' is not a duration; use e.g. 10ms, 1.5s, 2m, 1h "
                    + "(a bare number means seconds)");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> value;
            case "s" -> value * 1_000;
            case "m", "min" -> value * 60_000;
            default -> value * 3_600_000;
        };
        return ofMillis(what, text, millis);
    }

    /** {@code millis} as a Duration; refused (never capped) when it does not fit: about 292 years. */
    static Duration ofMillis(String what, String text, double millis) {
        if (!(millis * 1_000_000 < Long.MAX_VALUE)) {
            throw new CliException(what + ": '" + text + "' is too long; the longest is " + MAX_HOURS + "h");
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** The longest duration accepted, in whole hours. */
    static final long MAX_HOURS = Long.MAX_VALUE / 3_600_000_000_000L;

    /** picocli converter. */
    static final class Converter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse("duration", value);
            } catch (CliException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
