package io.pgq.benchmarks.e2e;

import java.nio.file.Path;

/**
 * Draws the latency distributions of several {@link LoadBenchmark} runs in one chart
 * (percentiles p0 to p99.99 across, latency on a logarithmic scale).
 * <pre>java -cp benchmarks.jar io.pgq.benchmarks.e2e.CompareLatency OUT.png TITLE A-latency.csv B-latency.csv ...</pre>
 */
public final class CompareLatency {

    private CompareLatency() {
    }

    public static void main(String[] args) throws Exception {
        Plot plot = new Plot(args[1], "percentile", "latency (ms, logarithmic)", true, true).percentileAxis();
        for (int i = 2; i < args.length; i++) {
            Path csv = Path.of(args[i]);
            double[][] p = Replot.percentiles(csv);
            for (int r = 0; r < p[1].length; r++) {
                p[1][r] = Math.max(0.1, p[1][r]);
            }
            plot.add(new Plot.Series(csv.getFileName().toString().replace("-latency.csv", ""), p[0], p[1]));
        }
        plot.write(Path.of(args[0]));
    }
}
