package io.pgq.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine's CPU counters from {@code /proc/stat} (Linux): how busy all cores were between two
 * readings, whatever process kept them busy (the benchmark's JVM, the database server, the
 * ticker's backend). On other systems {@link #read} returns null and nothing is reported.
 *
 * @param busyTicks user, nice, system, irq and softirq time of all cores, in clock ticks
 * @param totalTicks the same plus idle and iowait
 * @param cores the cores counted ({@code cpuN} lines)
 */
record MachineCpu(long busyTicks, long totalTicks, int cores) {

    private static final Path STAT = Path.of("/proc/stat");

    /** The counters now; null when {@code /proc/stat} cannot be read. */
    static MachineCpu read() {
        try {
            List<String> lines = Files.readAllLines(STAT);
            String[] f = lines.get(0).trim().split("\\s+");
            int cores = (int) lines.stream().filter(l -> l.length() > 3 && l.startsWith("cpu")
                    && Character.isDigit(l.charAt(3))).count();
            if (!f[0].equals("cpu") || f.length < 8) {
                return null;
            }
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long busy = user + nice + system + irq + softirq;
            return new MachineCpu(busy, busy + idle + iowait, cores);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** "machine CPU 72% busy (2 cores)" between {@code start} and this reading; empty if either is missing. */
    static String describe(MachineCpu start, MachineCpu end) {
        if (start == null || end == null || end.totalTicks <= start.totalTicks) {
            return "";
        }
        double busy = (end.busyTicks - start.busyTicks) / (double) (end.totalTicks - start.totalTicks);
        return String.format(Locale.ROOT, "; machine CPU %.0f%% busy (%d cores) while producing", 100 * busy,
                end.cores);
    }
}
