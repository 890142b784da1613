package io.pgq.benchmarks.e2e;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A small line chart written as PNG with java.awt (headless), so the benchmark needs no plotting
 * library. Ticks fall on round values (1, 2 or 5 times a power of ten; on a logarithmic axis 1, 2
 * and 5 of each decade). A percentile axis ({@link #percentileAxis()}) takes x = 1/(1-p) on a
 * logarithmic scale and marks p50, p90, p99, p99.9. Horizontal reference lines ({@link #hline})
 * show an offered rate or a target. Not thread-safe.
 */
public final class Plot {

    /** One line: a name and its points. */
    public record Series(String name, double[] x, double[] y) {
    }

    /** A dashed horizontal line at {@code y}, named in the legend. */
    public record HLine(String name, double y) {
    }

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd)};
    private static final Color GRID = new Color(0xe0e0e0);
    private static final Color REFERENCE = new Color(0x555555);
    private static final double[] PERCENTILE_X = {1, 2, 10, 100, 1000, 10000, 100000};
    private static final String[] PERCENTILE_LABELS = {"p0", "p50", "p90", "p99", "p99.9", "p99.99", "p99.999"};
    private static final int W = 900;
    private static final int H = 520;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;
    private boolean percentiles;
    private final List<Series> series = new ArrayList<>();
    private final List<HLine> hlines = new ArrayList<>();

    public Plot(String title, String xLabel, String yLabel, boolean logX, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
        this.logY = logY;
    }

    public Plot add(Series s) {
        series.add(s);
        return this;
    }

    public Plot hline(String name, double y) {
        hlines.add(new HLine(name, y));
        return this;
    }

    /** X values are 1/(1-p) of percentiles p: ticks p0, p50, p90, p99, p99.9 (needs a logarithmic x). */
    public Plot percentileAxis() {
        if (!logX) {
            throw new IllegalStateException("a percentile axis needs a logarithmic x axis");
        }
        this.percentiles = true;
        return this;
    }

    public void write(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        double[] xTicks = percentiles ? percentileTicks() : ticks(values(true), logX);
        double[] yTicks = ticks(values(false), logY);
        double[] xr = {tx(xTicks[0], logX), tx(xTicks[xTicks.length - 1], logX)};
        double[] yr = {tx(yTicks[0], logY), tx(yTicks[yTicks.length - 1], logY)};
        axes(g, xTicks, yTicks, xr, yr);
        int row = 0;
        for (int i = 0; i < series.size(); i++) {
            line(g, series.get(i), xr, yr, COLORS[i % COLORS.length]);
            legend(g, series.get(i).name(), row++, COLORS[i % COLORS.length], false);
        }
        for (HLine h : hlines) {
            dashed(g, h.y(), xr, yr);
            legend(g, h.name(), row++, REFERENCE, true);
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 30);
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private static double tx(double v, boolean log) {
        return log ? Math.log10(Math.max(v, 1e-9)) : v;
    }

    /** min and max of the data (and of the reference lines, for y). */
    private double[] values(boolean isX) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : isX ? s.x() : s.y()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (!isX) {
            for (HLine h : hlines) {
                min = Math.min(min, h.y());
                max = Math.max(max, h.y());
            }
        }
        return new double[] {min, max};
    }

    /** Round tick values covering [min, max]: multiples of 1, 2 or 5 x 10^k, or 1-2-5 per decade on a log axis. */
    static double[] ticks(double[] minMax, boolean log) {
        return log ? logTicks(minMax[0], minMax[1]) : linearTicks(Math.min(0, minMax[0]), minMax[1]);
    }

    static double[] linearTicks(double min, double max) {
        if (max <= min) {
            max = min + 1;
        }
        double step = niceStep((max - min) / 6);
        double first = Math.floor(min / step) * step;
        double last = Math.ceil(max / step) * step;
        int n = (int) Math.round((last - first) / step);
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            t[i] = round(first + i * step);
        }
        return t;
    }

    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / magnitude;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    }

    static double[] logTicks(double min, double max) {
        min = Math.max(min, 1e-3);
        max = Math.max(max, min * 1.01);
        List<Double> all = new ArrayList<>();
        for (int e = (int) Math.floor(Math.log10(min)) - 1; e <= (int) Math.ceil(Math.log10(max)) + 1; e++) {
            for (int m : new int[] {1, 2, 5}) {
                all.add(round(m * Math.pow(10, e)));
            }
        }
        int lo = 0;
        while (lo + 1 < all.size() && all.get(lo + 1) <= min) {
            lo++;
        }
        int hi = all.size() - 1;
        while (hi - 1 >= 0 && all.get(hi - 1) >= max) {
            hi--;
        }
        return all.subList(lo, hi + 1).stream().mapToDouble(Double::doubleValue).toArray();
    }

    private double[] percentileTicks() {
        double max = values(true)[1];
        int n = 1;
        while (n < PERCENTILE_X.length && PERCENTILE_X[n - 1] < max) {
            n++;
        }
        return java.util.Arrays.copyOf(PERCENTILE_X, n);
    }

    private static double round(double v) {
        return new BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
    }

    private int px(double x, double[] xr) {
        return LEFT + (int) Math.round((tx(x, logX) - xr[0]) / (xr[1] - xr[0]) * (W - LEFT - RIGHT));
    }

    private int py(double y, double[] yr) {
        return H - BOTTOM - (int) Math.round((tx(y, logY) - yr[0]) / (yr[1] - yr[0]) * (H - TOP - BOTTOM));
    }

    private void axes(Graphics2D g, double[] xTicks, double[] yTicks, double[] xr, double[] yr) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double yv : yTicks) {
            int y = py(yv, yr);
            g.setColor(GRID);
            g.drawLine(LEFT, y, W - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String s = label(yv);
            g.drawString(s, LEFT - 8 - g.getFontMetrics().stringWidth(s), y + 4);
        }
        int lastRight = Integer.MIN_VALUE;
        for (int i = 0; i < xTicks.length; i++) {
            int x = px(xTicks[i], xr);
            g.setColor(GRID);
            g.drawLine(x, TOP, x, H - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String s = percentiles ? PERCENTILE_LABELS[i] : label(xTicks[i]);
            int w = g.getFontMetrics().stringWidth(s);
            if (x - w / 2 > lastRight + 6) {
                g.drawString(s, x - w / 2, H - BOTTOM + 18);
                lastRight = x + w / 2;
            }
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        g.drawString(xLabel, LEFT + (W - LEFT - RIGHT - g.getFontMetrics().stringWidth(xLabel)) / 2, H - 25);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        r.drawString(yLabel, -(TOP + (H - TOP - BOTTOM) / 2) - r.getFontMetrics().stringWidth(yLabel) / 2, 18);
        r.dispose();
    }

    /** A round value as text: no trailing zeros, thousands without separators. */
    static String label(double v) {
        return new BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private void line(Graphics2D g, Series s, double[] xr, double[] yr, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke(2f));
        for (int i = 1; i < s.x().length; i++) {
            g.drawLine(px(s.x()[i - 1], xr), py(s.y()[i - 1], yr), px(s.x()[i], xr), py(s.y()[i], yr));
        }
        g.setStroke(new BasicStroke(1f));
    }

    private void dashed(Graphics2D g, double yv, double[] xr, double[] yr) {
        g.setColor(REFERENCE);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        int y = py(yv, yr);
        g.drawLine(LEFT, y, W - RIGHT, y);
        g.setStroke(new BasicStroke(1f));
    }

    private static void legend(Graphics2D g, String name, int row, Color c, boolean dashed) {
        int y = TOP + 18 + row * 18;
        g.setColor(c);
        if (dashed) {
            g.fillRect(LEFT + 12, y - 5, 6, 2);
            g.fillRect(LEFT + 20, y - 5, 6, 2);
        } else {
            g.fillRect(LEFT + 12, y - 9, 14, 10);
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(name, LEFT + 32, y);
    }
}
