package io.pgq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ticker's INI file. Accepts the keys of the SkyTools {@code pgqadm} configuration and our
 * own; any section name ({@code [pgqadm]}, {@code [pgq]}, ...). Unknown keys and malformed lines
 * are errors that name the file, the line and what is allowed. Immutable.
 */
final class IniConfig {

    /** pgqadm's keys. */
    static final Set<String> PGQADM_KEYS = Set.of("job_name", "db", "maint_delay_min", "loop_delay", "logfile", "pidfile");
    /** pgq-java's own keys. */
    static final Set<String> OWN_KEYS = Set.of("tick_period", "max_tick_lag", "retry_period", "maint_period",
            "leader_check_period", "unhealthy_after", "notify", "keep_running_when_unhealthy");

    private final Path file;
    private final Map<String, String> values;

    private IniConfig(Path file, Map<String, String> values) {
        this.file = file;
        this.values = Map.copyOf(values);
    }

    static IniConfig read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            parseLine(file, i + 1, lines.get(i).strip(), values);
        }
        return new IniConfig(file, values);
    }

    private static void parseLine(Path file, int number, String line, Map<String, String> values) {
        if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || (line.startsWith("[") && line.endsWith("]"))) {
            return;
        }
        int eq = line.indexOf('=');
        if (eq <= 0) {
            throw new CliException(file + " line " + number + ": expected 'key = value', got '" + line + "'");
        }
        String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        if (!PGQADM_KEYS.contains(key) && !OWN_KEYS.contains(key)) {
            throw new CliException(file + " line " + number + ": unknown key '" + key + "'; known keys: "
                    + String.join(", ", new TreeSet<>(PGQADM_KEYS)) + ", "
                    + String.join(", ", new TreeSet<>(OWN_KEYS)));
        }
        values.put(key, line.substring(eq + 1).strip());
    }

    String get(String key) {
        return values.get(key);
    }

    Duration duration(String key, Duration unit) {
        String v = values.get(key);
        if (v == null) {
            return null;
        }
        if (unit != null && v.matches("\\d+(\\.\\d+)?")) {
            return Duration.ofNanos(Math.round(Double.parseDouble(v) * unit.toNanos()));
        }
        return Durations.parse(file + ": " + key, v);
    }

    Boolean bool(String key) {
        String v = values.get(key);
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new CliException(file + ": " + key + " must be true or false, got '" + v + "'");
        };
    }
}
