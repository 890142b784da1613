package io.pgq.benchmarks.e2e;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A small line chart written as PNG with java.awt (headless), so the benchmark needs no plotting
 * library. X may be logarithmic (for latency percentiles: 50, 90, 99, 99.9 ...). Not thread-safe.
 */
public final class Plot {

    /** One line: a name and its points. */
    public record Series(String name, double[] x, double[] y) {
    }

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd)};
    private static final int W = 900;
    private static final int H = 520;
    private static final int LEFT = 110;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();

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

    public void write(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        double[] xr = range(true);
        double[] yr = range(false);
        axes(g, xr, yr);
        for (int i = 0; i < series.size(); i++) {
            line(g, series.get(i), xr, yr, COLORS[i % COLORS.length]);
            legend(g, series.get(i).name(), i, COLORS[i % COLORS.length]);
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 30);
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private double tx(double x, boolean isX) {
        boolean log = isX ? logX : logY;
        return log ? Math.log10(Math.max(x, 1e-9)) : x;
    }

    private double[] range(boolean isX) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : isX ? s.x() : s.y()) {
                min = Math.min(min, tx(v, isX));
                max = Math.max(max, tx(v, isX));
            }
        }
        boolean log = isX ? logX : logY;
        if (!log) {
            min = Math.min(0, min);
        }
        if (max <= min) {
            max = min + 1;
        }
        return new double[] {min, max + (log ? 0 : (max - min) * 0.05)};
    }

    private int px(double x, double[] xr) {
        return LEFT + (int) Math.round((tx(x, true) - xr[0]) / (xr[1] - xr[0]) * (W - LEFT - RIGHT));
    }

    private int py(double y, double[] yr) {
        return H - BOTTOM - (int) Math.round((tx(y, false) - yr[0]) / (yr[1] - yr[0]) * (H - TOP - BOTTOM));
    }

    private void axes(Graphics2D g, double[] xr, double[] yr) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            double yv = untx(yr[0] + (yr[1] - yr[0]) * i / 5, logY);
            int y = py(yv, yr);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT, y, W - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(yv), 40, y + 4);
        }
        for (int i = 0; i <= 6; i++) {
            double xv = untx(xr[0] + (xr[1] - xr[0]) * i / 6, logX);
            int x = px(xv, xr);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(x, TOP, x, H - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(xv), x - 15, H - BOTTOM + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        g.drawString(xLabel, (W - LEFT) / 2, H - 25);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        r.drawString(yLabel, -(H + TOP) / 2 - 40, 18);
        r.dispose();
    }

    private static double untx(double v, boolean log) {
        return log ? Math.pow(10, v) : v;
    }

    private static String label(double v) {
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private void line(Graphics2D g, Series s, double[] xr, double[] yr, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke(2f));
        for (int i = 1; i < s.x().length; i++) {
            g.drawLine(px(s.x()[i - 1], xr), py(s.y()[i - 1], yr), px(s.x()[i], xr), py(s.y()[i], yr));
        }
    }

    private static void legend(Graphics2D g, String name, int i, Color c) {
        int y = TOP + 18 + i * 18;
        g.setColor(c);
        g.fillRect(LEFT + 12, y - 9, 14, 10);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(name, LEFT + 32, y);
    }
}
