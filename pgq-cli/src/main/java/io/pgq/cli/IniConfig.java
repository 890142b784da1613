package io.pgq.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ticker's INI file, read as SkyTools reads it: any section name ({@code [pgqadm]},
 * {@code [pgq]}, ...), {@code key = value} or {@code key: value}, comments with {@code #} or
 * {@code ;}, Python-style interpolation ({@code %(job_name)s}, {@code %%}) from the same file and
 * its {@code [DEFAULT]} section, UTF-8 with or without a byte-order mark. SkyTools keys that have
 * no meaning here ({@code use_skylog}, {@code log_count}, ...) are accepted and listed in
 * {@link #ignored()}. The whole file is validated when read: every malformed line, unknown key
 * and bad value is reported at once with its line number, before anything connects. Immutable.
 */
final class IniConfig {

    /** pgqadm's keys. */
    static final Set<String> PGQADM_KEYS = Set.of("job_name", "db", "maint_delay_min", "loop_delay", "logfile", "pidfile");
    /** pgq-java's own keys. */
    static final Set<String> OWN_KEYS = Set.of("tick_period", "max_tick_lag", "retry_period", "maint_period",
            "leader_check_period", "unhealthy_after", "notify", "keep_running_when_unhealthy", "metrics_port");
    /** Keys of SkyTools scripts that pgq-java accepts and ignores (logging and retry settings of the Python framework). */
    static final Set<String> SKYTOOLS_IGNORED = Set.of("use_skylog", "skylog_locations", "log_count", "log_size",
            "logfmt_console", "logfmt_console_verbose", "logfmt_file", "logfmt_file_verbose", "logdatefmt_console",
            "logdatefmt_console_verbose", "logdatefmt_file", "logdatefmt_file_verbose", "use_syslog", "syslog_ident",
            "connection_lifetime", "exception_sleep", "exception_quiet", "exception_grace", "exception_reset",
            "keepalive_stats", "lock_timeout", "sql_retry", "sql_retry_max_count", "sql_retry_max_time",
            "sql_retry_formula_a", "sql_retry_formula_b", "sql_retry_formula_cap", "service_name");

    private static final Pattern REFERENCE = Pattern.compile("%\\((\\w+)\\)s|%%|%");

    /** A value and the line it came from. */
    private record Entry(String raw, int line) {
    }

    private final Path file;
    private final Map<String, String> values;
    private final List<String> ignored;

    private IniConfig(Path file, Map<String, String> values, List<String> ignored) {
        this.file = file;
        this.values = Map.copyOf(values);
        this.ignored = List.copyOf(ignored);
    }

    static IniConfig read(Path file) {
        List<String> lines = lines(file);
        List<String> errors = new ArrayList<>();
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, Entry> defaults = new LinkedHashMap<>();
        boolean inDefault = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("[") && line.endsWith("]")) {
                inDefault = line.equalsIgnoreCase("[DEFAULT]");
            } else if (!line.isEmpty() && !line.startsWith("#") && !line.startsWith(";")) {
                parseLine(file, i + 1, line, inDefault ? defaults : entries, errors);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            String key = e.getKey();
            int line = e.getValue().line();
            if (!PGQADM_KEYS.contains(key) && !OWN_KEYS.contains(key) && !SKYTOOLS_IGNORED.contains(key)) {
                errors.add(file + " line " + line + ": unknown key '" + key + "'; known keys: "
                        + String.join(", ", new TreeSet<>(PGQADM_KEYS)) + ", " + String.join(", ", new TreeSet<>(OWN_KEYS))
                        + " (and SkyTools' logging keys, which are ignored)");
                continue;
            }
            String value;
            try {
                value = interpolate(key, entries, defaults, 0);
            } catch (CliException bad) {
                errors.add(file + " line " + line + ": " + bad.getMessage());
                continue;
            }
            if (SKYTOOLS_IGNORED.contains(key)) {
                ignored.add("Ignoring " + key + " (" + file + " line " + line + "): a SkyTools setting with no meaning "
                        + "for pgq-java, which logs through logback");
            } else {
                values.put(key, value);
                validate(key, value).ifPresent(problem -> errors.add(file + " line " + line + ": " + problem));
            }
        }
        if (!errors.isEmpty()) {
            throw new CliException(String.join("\n", errors));
        }
        return new IniConfig(file, values, ignored);
    }

    /** The file's lines: UTF-8, a leading byte-order mark dropped; a byte sequence that is not UTF-8 is refused with its line. */
    private static List<String> lines(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliException("cannot read config file " + file + ": " + e.getMessage());
        }
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        List<String> lines = new ArrayList<>();
        int lineStart = start;
        for (int i = start; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                lines.add(decode(file, lines.size() + 1, bytes, lineStart, i));
                lineStart = i + 1;
            }
        }
        return lines;
    }

    private static String decode(Path file, int line, byte[] bytes, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new CliException(file + " line " + line + " is not UTF-8 text; save the file as UTF-8");
        }
    }

    private static void parseLine(Path file, int number, String line, Map<String, Entry> into, List<String> errors) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        int sep = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
        if (sep <= 0) {
            errors.add(file + " line " + number + ": expected 'key = value', got '" + Text.escape(line) + "'");
            return;
        }
        into.put(line.substring(0, sep).strip().toLowerCase(Locale.ROOT), new Entry(line.substring(sep + 1).strip(), number));
    }

    private static String interpolate(String key, Map<String, Entry> entries, Map<String, Entry> defaults, int depth) {
        Entry entry = entries.containsKey(key) ? entries.get(key) : defaults.get(key);
        if (depth > 10) {
            throw new CliException("'" + key + "' refers to itself through %(...)s");
        }
        Matcher m = REFERENCE.matcher(entry.raw());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("%%")) {
                replacement = "%";
            } else if (m.group(1) == null) {
                throw new CliException("a lone '%' in '" + entry.raw() + "'; write %% for a percent sign or %(key)s "
                        + "for another key's value");
            } else {
                String ref = m.group(1).toLowerCase(Locale.ROOT);
                if (!entries.containsKey(ref) && !defaults.containsKey(ref)) {
                    throw new CliException("'" + entry.raw() + "' refers to %(" + ref + ")s, which the file does not set");
                }
                replacement = interpolate(ref, entries, defaults, depth + 1);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** What is wrong with {@code value} for {@code key}, if anything. */
    private static Optional<String> validate(String key, String value) {
        try {
            switch (key) {
                case "loop_delay" -> number(key, value, Duration.ofSeconds(1));
                case "maint_delay_min" -> number(key, value, Duration.ofMinutes(1));
                case "tick_period", "retry_period", "maint_period", "leader_check_period", "unhealthy_after" ->
                        Durations.parse(key, value);
                case "max_tick_lag" -> {
                    if (!value.equalsIgnoreCase("off")) {
                        Durations.parse(key, value);
                    }
                }
                case "notify", "keep_running_when_unhealthy" -> bool(key, value);
                case "db" -> ConnInfo.toJdbcUrl(value);
                case "metrics_port" -> {
                    if (!value.matches("\\d{1,5}") || Integer.parseInt(value) > 65535) {
                        throw new CliException("metrics_port must be a port number from 0 to 65535, got '"
                                + Text.escape(value) + "'");
                    }
                }
                case "job_name" -> {
                    if (value.isBlank()) {
                        throw new CliException("job_name must not be empty");
                    }
                }
                default -> { }
            }
            return Optional.empty();
        } catch (CliException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static Duration number(String key, String value, Duration unit) {
        if (value.matches("\\d+(\\.\\d+)?")) {
            return Durations.ofMillis(key, value, Double.parseDouble(value) * unit.toMillis());
        }
        return Durations.parse(key, value);
    }

    private static boolean bool(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new CliException(key + " must be true or false (also yes/no, on/off, 1/0), got '"
                    + Text.escape(value) + "'");
        };
    }

    /** One line per SkyTools key that was accepted and ignored, for the log. */
    List<String> ignored() {
        return ignored;
    }

    String get(String key) {
        return values.get(key);
    }

    /** The duration under {@code key}; a bare number counts in {@code unit} (pgqadm's keys), else seconds. */
    Duration duration(String key, Duration unit) {
        String v = values.get(key);
        return v == null ? null : number(key, v, unit == null ? Duration.ofSeconds(1) : unit);
    }

    Boolean bool(String key) {
        String v = values.get(key);
        return v == null ? null : bool(key, v);
    }

    Path file() {
        return file;
    }
}
