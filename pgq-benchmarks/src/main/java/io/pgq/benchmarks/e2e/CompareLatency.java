package io.pgq.benchmarks.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws the latency distributions of several {@link LoadBenchmark} runs in one chart.
 * <pre>java -cp benchmarks.jar io.pgq.benchmarks.e2e.CompareLatency OUT.png TITLE A-latency.csv B-latency.csv ...</pre>
 */
public final class CompareLatency {

    private CompareLatency() {
    }

    public static void main(String[] args) throws Exception {
        Plot plot = new Plot(args[1], "percentile as 1/(1-p): 2=p50, 10=p90, 100=p99, 1000=p99.9", "latency (ms)", true, true);
        for (int i = 2; i < args.length; i++) {
            Path csv = Path.of(args[i]);
            List<String> lines = Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size());
            List<String> rows = lines.stream().filter(l -> !l.startsWith("100.0,") && !l.startsWith("100,")).toList();
            double[] x = new double[rows.size()];
            double[] y = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                String[] f = rows.get(r).split(",");
                x[r] = 100.0 / (100.0 - Double.parseDouble(f[0]));
                y[r] = Math.max(0.1, Double.parseDouble(f[1]));
            }
            String name = csv.getFileName().toString().replace("-latency.csv", "");
            plot.add(new Plot.Series(name, x, y));
        }
        plot.write(Path.of(args[0]));
    }
}
