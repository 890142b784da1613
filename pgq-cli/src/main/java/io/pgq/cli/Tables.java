package io.pgq.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints left-aligned text tables like {@code kafka-consumer-groups --describe}. Cells show
 * control characters escaped ({@link Text#escape}); {@code null} shows as {@code -}.
 */
final class Tables {

    private final List<String[]> rows = new ArrayList<>();

    Tables(String... header) {
        rows.add(header);
    }

    Tables row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] == null ? "-" : Text.escape(String.valueOf(cells[i]));
        }
        rows.add(r);
        return this;
    }

    String render() {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder s = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                s.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            s.append('\n');
        }
        return s.toString();
    }

    static String duration(Duration d) {
        if (d == null) {
            return "-";
        }
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + "ms";
        }
        if (ms < 120_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return ms < 7_200_000 ? (ms / 60_000) + "m" : (ms / 3_600_000) + "h";
    }
}
