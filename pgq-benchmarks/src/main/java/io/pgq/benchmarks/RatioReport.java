package io.pgq.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints each benchmark next to its baseline from the same JMH run, as a speed ratio
 * (1.0 = as fast as the baseline, higher is faster). A benchmark and its baseline are paired
 * within one class and parameter set by their names' suffix from the first digit on, e.g.
 * {@code insertEvent1PerTx} with {@code baselineInsert1PerTx} (without digits: by the last word,
 * {@code tickPassBusy} with {@code baselineTickRowsBusy}). A benchmark with several baselines
 * ({@code send1PerTx}: a held connection and a pooled one) gets a line for each.
 *
 * <pre>java -cp pgq-benchmarks/target/benchmarks.jar io.pgq.benchmarks.RatioReport results.csv</pre>
 * where {@code results.csv} comes from JMH's {@code -rf csv -rff results.csv}.
 */
public final class RatioReport {

    private RatioReport() {
    }

    record Row(String clazz, String method, String mode, double score, double error, String unit, String params) {
        /** From the first digit on ({@code 1PerTx}); without digits, the last camel-case word ({@code Busy}). */
        String suffix() {
            for (int i = 0; i < method.length(); i++) {
                if (Character.isDigit(method.charAt(i))) {
                    return method.substring(i);
                }
            }
            for (int i = method.length() - 1; i > 0; i--) {
                if (Character.isUpperCase(method.charAt(i))) {
                    return method.substring(i);
                }
            }
            return method;
        }

        boolean isBaseline() {
            return method.startsWith("baseline");
        }

        /** Higher is faster, whatever the JMH mode. */
        double speed() {
            return mode.equals("thrpt") ? score : 1.0 / score;
        }
    }

    public static void main(String[] args) throws IOException {
        List<Row> rows = parse(Files.readAllLines(Path.of(args[0])));
        Map<String, List<Row>> baselines = new LinkedHashMap<>();
        rows.stream().filter(Row::isBaseline).forEach(r -> baselines.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r));
        System.out.printf("%-45s %-12s %16s %16s %8s  %s%n", "benchmark", "params", "score", "baseline", "ratio", "vs");
        for (Row r : rows) {
            if (r.isBaseline()) {
                continue;
            }
            List<Row> bases = baselines.getOrDefault(key(r), List.of());
            if (bases.isEmpty()) {
                System.out.printf(Locale.ROOT, "%-45s %-12s %16s %16s %8s%n", r.clazz + "." + r.method, r.params, format(r), "-", "-");
            }
            for (Row base : bases) {
                System.out.printf(Locale.ROOT, "%-45s %-12s %16s %16s %7.2fx  %s%n", r.clazz + "." + r.method, r.params,
                        format(r), format(base), r.speed() / base.speed(), base.method);
            }
        }
    }

    private static String key(Row r) {
        return r.clazz + "|" + r.params + "|" + r.suffix();
    }

    private static String format(Row r) {
        return String.format(Locale.ROOT, "%.1f %s", r.score, r.unit);
    }

    static List<Row> parse(List<String> lines) {
        List<String> header = split(lines.get(0));
        int paramStart = header.size();
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).startsWith("Param: ")) {
                paramStart = Math.min(paramStart, i);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = split(line);
            String benchmark = f.get(0);
            int dot = benchmark.lastIndexOf('.');
            String clazz = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
            StringBuilder params = new StringBuilder();
            for (int i = paramStart; i < f.size(); i++) {
                params.append(params.length() == 0 ? "" : ",").append(f.get(i));
            }
            rows.add(new Row(clazz, benchmark.substring(dot + 1), f.get(1), Double.parseDouble(f.get(4)),
                    parseOrNaN(f.get(5)), f.get(6), params.toString()));
        }
        return rows;
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static List<String> split(String csvLine) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char ch : csvLine.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        fields.add(cur.toString());
        return fields;
    }
}
