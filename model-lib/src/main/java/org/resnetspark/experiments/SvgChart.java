package org.resnetspark.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line or scatter chart as inline SVG: labelled axes with round ticks, one colour per series,
 * a legend. Self-contained, so a report opens anywhere without network access.
 */
public final class SvgChart {

    /** One series: its name, points (x, y), line or markers only, dashed or solid. */
    public record Series(String name, List<double[]> points, boolean line, boolean dashed, int colour) {
    }

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int WIDTH = 820;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 260;
    private static final int TOP = 40;
    private static final int BOTTOM = 55;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    public SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public static String colour(int index) {
        return COLOURS[index % COLOURS.length];
    }

    public SvgChart add(Series s) {
        if (!s.points().isEmpty()) {
            series.add(s);
        }
        return this;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    public String render(String id) {
        double[] x = range(0);
        double[] y = range(1);
        double[] xTicks = ticks(x[0], x[1]);
        double[] yTicks = ticks(Math.min(0, y[0]), y[1]);
        double x0 = xTicks[0];
        double x1 = xTicks[xTicks.length - 1];
        double y0 = yTicks[0];
        double y1 = yTicks[yTicks.length - 1];
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", id, WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", LEFT, escape(title)));
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
                LEFT + plotW / 2, HEIGHT - 12, escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text class=\"y-label\" transform=\"translate(18,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                TOP + plotH / 2, escape(yLabel)));

        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String colour = colour(s.colour());
            StringBuilder points = new StringBuilder();
            for (double[] p : s.points()) {
                double px = LEFT + (p[0] - x0) / (x1 - x0) * plotW;
                double py = TOP + plotH - (p[1] - y0) / (y1 - y0) * plotH;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"/>", px, py, s.line() ? "2" : "4", colour));
            }
            if (s.line() && s.points().size() > 1) {
                svg.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-name=\"%s\" points=\"%s\" fill=\"none\" stroke=\"%s\" "
                        + "stroke-width=\"%s\"%s/>%n", escape(s.name()), points.toString().trim(), colour,
                        s.dashed() ? "1.2" : "2.2", s.dashed() ? " stroke-dasharray=\"5,3\"" : ""));
            }
            int ly = TOP + 14 + 18 * i;
            svg.append(s.line()
                    ? String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>",
                            WIDTH - RIGHT + 12, ly, WIDTH - RIGHT + 36, ly, colour, s.dashed() ? " stroke-dasharray=\"5,3\"" : "")
                    : String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>", WIDTH - RIGHT + 24, ly, colour));
            svg.append(String.format(Locale.ROOT, "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>%n",
                    WIDTH - RIGHT + 42, ly + 4, escape(s.name())));
        }
        return svg.append("</svg>\n").toString();
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

    /** About five round ticks covering [min, max]. */
    static double[] ticks(double min, double max) {
        double rough = (max - min) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = magnitude * (rough / magnitude < 1.5 ? 1 : rough / magnitude < 3.5 ? 2 : rough / magnitude < 7.5 ? 5 : 10);
        double start = Math.floor(min / step) * step;
        int count = (int) Math.ceil((max - start) / step - 1e-9) + 1;
        double[] ticks = new double[Math.max(2, count)];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = start + i * step;
        }
        return ticks;
    }

    private static String label(double value) {
        return Math.abs(value - Math.rint(value)) < 1e-9 ? String.valueOf((long) Math.rint(value))
                : String.format(Locale.ROOT, "%.3g", value);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
