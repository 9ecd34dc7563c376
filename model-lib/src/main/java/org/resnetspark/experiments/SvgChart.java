package org.resnetspark.experiments;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG: a title, labelled axes with round ticks, one line per series. The
 * legend is drawn by {@link Figure}, below the charts that share it, so that many long run names
 * never crowd the plot. Self-contained, so a report opens anywhere without network access.
 */
public final class SvgChart {

    /** One series: its name, its points (x, y), and its style: the index of its colour and dash pattern. */
    public record Series(String name, List<double[]> points, int style) {
    }

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    /** After the ten colours the dash pattern changes, so that forty series still look different. */
    private static final String[] DASHES = {"", "7,3", "2,3", "9,3,2,3"};
    /** Markers show each point of a short series; on a long run they would blur the line. */
    private static final int MAX_MARKED_POINTS = 30;
    // The SVG scales to its grid cell: these are viewBox units, about pixels at 1280 px wide.
    private static final int WIDTH = 420;
    private static final int HEIGHT = 300;
    private static final int LEFT = 62;
    private static final int RIGHT = 14;
    private static final int TOP = 34;
    private static final int BOTTOM = 44;

    private final String id;
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    /** The axis labels carry the units, e.g. "time per epoch (s)". */
    public SvgChart(String id, String title, String xLabel, String yLabel) {
        this.id = id;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public String id() {
        return id;
    }

    public List<Series> series() {
        return List.copyOf(series);
    }

    /** Adds a series unless it has no points. */
    public SvgChart add(Series s) {
        if (!s.points().isEmpty()) {
            series.add(s);
        }
        return this;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    public String render() {
        double[] x = range(0);
        double[] y = range(1);
        double[] xTicks = ticks(x[0], x[1], wholeNumbers(0));
        double[] yTicks = ticks(Math.min(0, y[0]), y[1], false);
        double x0 = xTicks[0];
        double x1 = xTicks[xTicks.length - 1];
        double y0 = yTicks[0];
        double y1 = yTicks[yTicks.length - 1];
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", escape(id), WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text class=\"title\" x=\"8\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                escape(title)));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n",
                LEFT, TOP, plotW, plotH));
        for (double t : xTicks) {
            double px = LEFT + (t - x0) / (x1 - x0) * plotW;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, TOP, px, TOP + plotH, px, TOP + plotH + 16, label(t)));
        }
        for (double t : yTicks) {
            double py = TOP + plotH - (t - y0) / (y1 - y0) * plotH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, py, LEFT + plotW, py, LEFT - 6, py + 4, label(t)));
        }
        svg.append(String.format(Locale.ROOT, "<text class=\"x-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + plotW / 2, HEIGHT - 8, escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text class=\"y-label\" transform=\"translate(16,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                TOP + plotH / 2, escape(yLabel)));

        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            StringBuilder markers = new StringBuilder();
            for (double[] p : s.points()) {
                double px = LEFT + (p[0] - x0) / (x1 - x0) * plotW;
                double py = TOP + plotH - (p[1] - y0) / (y1 - y0) * plotH;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                markers.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", px, py, colour(s.style())));
            }
            if (s.points().size() > 1) {
                svg.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-name=\"%s\" points=\"%s\" fill=\"none\"%s/>%n",
                        escape(s.name()), points.toString().trim(), stroke(s.style())));
            }
            if (s.points().size() <= MAX_MARKED_POINTS) {
                svg.append(markers).append('\n');
            }
        }
        return svg.append("</svg>\n").toString();
    }

    /** A short sample of a series' line, for a legend. */
    static String swatch(int style) {
        return "<svg class=\"swatch\" width=\"30\" height=\"12\" viewBox=\"0 0 30 12\"><line x1=\"1\" y1=\"6\" x2=\"29\" y2=\"6\""
                + stroke(style) + "/><circle cx=\"15\" cy=\"6\" r=\"3\" fill=\"" + colour(style) + "\"/></svg>";
    }

    static String colour(int style) {
        return COLOURS[style % COLOURS.length];
    }

    private static String stroke(int style) {
        String dash = DASHES[style / COLOURS.length % DASHES.length];
        return " stroke=\"" + colour(style) + "\" stroke-width=\"2\"" + (dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"");
    }

    private double[] range(int axis) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                min = Math.min(min, p[axis]);
                max = Math.max(max, p[axis]);
            }
        }
        if (min == max) {
            min -= 1;
            max += 1;
        }
        return new double[] {min, max};
    }

    /** Epochs, batch sizes, workers and depths are counts: their axis has no ticks between whole numbers. */
    private boolean wholeNumbers(int axis) {
        return series.stream().flatMap(s -> s.points().stream()).allMatch(p -> p[axis] == Math.rint(p[axis]));
    }

    /** About five round ticks covering [min, max]; steps of at least 1 for whole numbers. */
    static double[] ticks(double min, double max, boolean wholeNumbers) {
        double rough = (max - min) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = magnitude * (rough / magnitude < 1.5 ? 1 : rough / magnitude < 3.5 ? 2 : rough / magnitude < 7.5 ? 5 : 10);
        if (wholeNumbers) {
            step = Math.max(1, step);
        }
        double start = Math.floor(min / step) * step;
        int count = (int) Math.ceil((max - start) / step - 1e-9) + 1;
        double[] ticks = new double[Math.max(2, count)];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = start + i * step;
        }
        return ticks;
    }

    /** 0.5 and 1.5, not 0.500 and 1.50. */
    static String label(double value) {
        return Math.abs(value - Math.rint(value)) < 1e-9 ? String.valueOf((long) Math.rint(value))
                : new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
