package io.pgq.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Draws the charts of {@link LoadBenchmark} runs again from their CSV files, e.g. after a change
 * of the chart style, without running them again.
 * <pre>java -cp benchmarks.jar io.pgq.benchmarks.e2e.Replot docs/benchmarks</pre>
 */
public final class Replot {

    private static final Pattern RATE = Pattern.compile("-rate(\\d+)-");

    private Replot() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "docs/benchmarks");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path csv : files.sorted().toList()) {
                String name = csv.getFileName().toString();
                if (name.endsWith("-latency.csv")) {
                    latency(csv, name.replace("-latency.csv", ""));
                } else if (name.endsWith("-throughput.csv")) {
                    throughput(csv, name.replace("-throughput.csv", ""));
                }
            }
        }
    }

    /** The rows of a two-column CSV without its header. */
    static double[][] read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> rows = lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
        double[][] out = new double[2][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            out[0][i] = Double.parseDouble(f[0]);
            out[1][i] = Double.parseDouble(f[1]);
        }
        return out;
    }

    /** Percentiles below 100 as x = 1/(1-p), and their latencies. */
    static double[][] percentiles(Path csv) throws IOException {
        double[][] rows = read(csv);
        int n = 0;
        while (n < rows[0].length && rows[0][n] < 100) {
            n++;
        }
        double[][] out = new double[2][n];
        for (int i = 0; i < n; i++) {
            out[0][i] = 100.0 / (100.0 - rows[0][i]);
            out[1][i] = rows[1][i];
        }
        return out;
    }

    private static void latency(Path csv, String label) throws IOException {
        double[][] p = percentiles(csv);
        LoadBenchmark.plotLatency(label, p[0], p[1], csv.resolveSibling(label + "-latency.png"));
    }

    private static void throughput(Path csv, String label) throws IOException {
        double[][] rows = read(csv);
        Matcher m = RATE.matcher(label);
        int rate = m.find() ? Integer.parseInt(m.group(1)) : 0;
        LoadBenchmark.plotThroughput(label, rate, rows[0], rows[1], csv.resolveSibling(label + "-throughput.png"));
    }
}
