package org.resnetspark.experiments;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.resnetspark.models.ModelRegistry;

/**
 * Runs side by side: a table (CSV, Markdown, HTML) and charts (error against iterations as in
 * He et al. 2015 Fig. 6, time per epoch against batch size, test error against depth), with the
 * papers' numbers beside ours.
 */
public final class Report {

    /** How the page's table treats a column. */
    enum Kind {
        /** The run's name: always in the table. */
        RUN,
        /** What was run (and how it ended): said once above the table when every run has the same value. */
        SETTING,
        /** What came out: always in the table, unless no run has one. */
        RESULT
    }

    /** A column: its name in report.csv and report.md, its heading on the page (with the unit), its kind. */
    record Column(String key, String heading, Kind kind) {
    }

    static final List<Column> COLUMNS = List.of(
            new Column("run", "run", Kind.RUN),
            new Column("model", "model", Kind.SETTING),
            new Column("dataset", "dataset", Kind.SETTING),
            new Column("status", "status", Kind.SETTING),
            new Column("test_error_%", "test error (%)", Kind.RESULT),
            new Column("best_validation_error_%", "best validation error (%)", Kind.RESULT),
            new Column("paper_error_%", "paper's test error (%)", Kind.SETTING),
            new Column("difference_%", "difference to paper (% points)", Kind.RESULT),
            new Column("parameters", "parameters", Kind.SETTING),
            new Column("effective_batch", "effective batch (images)", Kind.SETTING),
            new Column("workers", "workers", Kind.SETTING),
            new Column("averaging_frequency", "averaging frequency (iterations)", Kind.SETTING),
            new Column("seconds_per_epoch", "time per epoch (s)", Kind.RESULT),
            new Column("images_per_second", "throughput (images/s)", Kind.RESULT),
            new Column("total_seconds", "total time (s)", Kind.RESULT));

    private static final String STYLE = "body{font-family:sans-serif;margin:24px;color:#222}"
            + "h1{font-size:26px;margin:0 0 14px}h2{font-size:19px;margin:30px 0 8px}"
            + "#common{list-style:none;padding:0;margin:0 0 12px;display:flex;flex-wrap:wrap;gap:4px 22px;font-size:14px}"
            + "#common .name{color:#666}#common .lead{font-weight:bold}"
            + "table{border-collapse:collapse;font-size:13px}"
            + "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}"
            + "th{background:#f3f3f3;vertical-align:bottom;font-weight:600;max-width:8em}"
            + "td.number{text-align:right;font-variant-numeric:tabular-nums}"
            + ".note{font-size:13px;color:#555}"
            + ".chart{display:block;margin:18px 0}";

    private final String title;
    private final List<RunSummary> runs;
    private final List<List<String>> rows;

    /** The runs in natural order of their names, so that batch-32 comes before batch-128. */
    public Report(String title, List<RunSummary> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("A report needs at least one run folder");
        }
        this.title = title;
        this.runs = runs.stream().sorted(Comparator.comparing(RunSummary::name, Report::compareNatural)).toList();
        this.rows = this.runs.stream().map(Report::row).toList();
    }

    /** One row per run, in {@link #COLUMNS} order; empty strings where a value is unknown. */
    public List<List<String>> rows() {
        return rows;
    }

    private static List<String> row(RunSummary run) {
        Double test = percent(run.testError());
        Double paper = PaperResults.error(run.model(), run.dataset());
        return List.of(run.name(), run.model(), run.dataset(), run.status(), format(test),
                format(percent(run.bestValidationError())), format(paper),
                test != null && paper != null ? format(test - paper) : "",
                integer(run.number("parameters")), integer(run.number("effective_batch")), integer(run.number("workers")),
                integer(run.number("averaging_frequency")), format(run.meanEpochSeconds()),
                format(run.meanImagesPerSecond()), format(run.number("total_seconds")));
    }

    public String csv() {
        StringBuilder csv = new StringBuilder(String.join(",", keys())).append('\n');
        for (List<String> row : rows) {
            csv.append(String.join(",", row.stream().map(Report::csvCell).toList())).append('\n');
        }
        return csv.toString();
    }

    public String markdown() {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n| ").append(String.join(" | ", keys())).append(" |\n|");
        COLUMNS.forEach(c -> md.append(" --- |"));
        md.append('\n');
        for (List<String> row : rows) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return md.append("\nPaper: ").append(PaperResults.SOURCES).append(".\n").toString();
    }

    private static List<String> keys() {
        return COLUMNS.stream().map(Column::key).toList();
    }

    /** The settings every run shares, by heading: said once above the page's table instead of in every row. */
    public Map<String, String> commonSettings() {
        Map<String, String> common = new LinkedHashMap<>();
        for (int c = 0; c < COLUMNS.size(); c++) {
            String value = rows.get(0).get(c);
            if (COLUMNS.get(c).kind() == Kind.SETTING && sharedByAllRuns(c) && !value.isEmpty()) {
                common.put(COLUMNS.get(c).heading(), value);
            }
        }
        return common;
    }

    /**
     * The columns of the page's table: the run, the settings that tell the runs apart, then the
     * results that some run has.
     */
    public List<Column> tableColumns() {
        List<Column> shown = new ArrayList<>();
        for (int c = 0; c < COLUMNS.size(); c++) {
            int column = c;
            boolean show = switch (COLUMNS.get(c).kind()) {
                case RUN -> true;
                case SETTING -> !sharedByAllRuns(column);
                case RESULT -> someRunHas(column);
            };
            if (show) {
                shown.add(COLUMNS.get(c));
            }
        }
        shown.sort(Comparator.comparing(Column::kind));
        return shown;
    }

    private boolean sharedByAllRuns(int column) {
        return rows.stream().map(row -> row.get(column)).distinct().count() == 1;
    }

    private boolean someRunHas(int column) {
        return rows.stream().anyMatch(row -> !row.get(column).isEmpty());
    }

    /** The charts that have data, by element id. */
    public Map<String, SvgChart> charts() {
        Map<String, SvgChart> charts = new LinkedHashMap<>();
        SvgChart curves = new SvgChart("Error during training (dashed: training, solid: validation)", "iteration", "error (%)");
        SvgChart timing = new SvgChart("Time per epoch against effective batch", "effective batch", "seconds per epoch");
        SvgChart depth = new SvgChart("Test error against depth", "depth (layers)", "test error (%)");
        Map<String, List<double[]>> depthByFamily = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            RunSummary run = runs.get(i);
            List<double[]> train = new ArrayList<>();
            List<double[]> validation = new ArrayList<>();
            for (Map<String, Object> epoch : run.epochs()) {
                Double iteration = RunSummary.number(epoch.get("iteration"));
                Double t = RunSummary.number(epoch.get("train_error"));
                Double v = RunSummary.number(epoch.get("validation_error"));
                if (iteration != null && t != null) {
                    train.add(new double[] {iteration, 100 * t});
                }
                if (iteration != null && v != null) {
                    validation.add(new double[] {iteration, 100 * v});
                }
            }
            curves.add(new SvgChart.Series(run.name() + " train", train, true, true, i));
            curves.add(new SvgChart.Series(run.name() + " validation", validation, true, false, i));
            Double batch = run.number("effective_batch");
            Double seconds = run.meanEpochSeconds();
            if (batch != null && seconds != null) {
                timing.add(new SvgChart.Series(run.name(), List.of(new double[] {batch, seconds}), false, false, i));
            }
            Double test = run.testError();
            if (test != null) {
                try {
                    var spec = ModelRegistry.parse(run.model());
                    String family = run.model().replaceAll("[0-9].*", "");
                    depthByFamily.computeIfAbsent(family, k -> new ArrayList<>()).add(new double[] {spec.depth(), 100 * test});
                } catch (IllegalArgumentException e) {
                    // not a registry name: no depth to plot
                }
            }
        }
        int colour = 0;
        for (var entry : depthByFamily.entrySet()) {
            List<double[]> points = new ArrayList<>(entry.getValue());
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            boolean severalDepths = points.stream().mapToDouble(p -> p[0]).distinct().count() > 1;
            depth.add(new SvgChart.Series(entry.getKey(), points, severalDepths, false, colour++));
        }
        if (!curves.isEmpty()) {
            charts.put("error-curves", curves);
        }
        if (!timing.isEmpty()) {
            charts.put("time-per-epoch", timing);
        }
        if (!depth.isEmpty()) {
            charts.put("error-by-depth", depth);
        }
        return charts;
    }

    /** A self-contained page: no scripts, no external files; fits a laptop screen 1280 px wide. */
    public String html() {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width\"><title>").append(SvgChart.escape(title))
                .append("</title>\n<style>").append(STYLE).append("</style></head><body>\n<h1>").append(SvgChart.escape(title))
                .append("</h1>\n");
        Map<String, String> common = commonSettings();
        if (!common.isEmpty()) {
            html.append("<ul id=\"common\"><li class=\"lead\">Common to all runs:</li>");
            common.forEach((name, value) -> html.append("<li><span class=\"name\">").append(SvgChart.escape(name))
                    .append("</span> ").append(SvgChart.escape(value)).append("</li>"));
            html.append("</ul>\n");
        }
        List<Column> columns = tableColumns();
        html.append("<table id=\"runs\"><thead><tr>");
        columns.forEach(c -> html.append("<th>").append(SvgChart.escape(c.heading())).append("</th>"));
        html.append("</tr></thead><tbody>\n");
        for (List<String> row : rows) {
            html.append("<tr>");
            for (Column column : columns) {
                String cell = row.get(COLUMNS.indexOf(column));
                // A sweep's run names join its axes with _: a long name may break there.
                String text = column.kind() == Kind.RUN ? SvgChart.escape(cell).replace("_", "_<wbr>") : SvgChart.escape(cell);
                html.append(cell.matches("-?[0-9.]+") ? "<td class=\"number\">" : "<td>").append(text).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
        if (someRunHas(keys().indexOf("paper_error_%"))) {
            html.append("<p class=\"note\">Paper: ").append(SvgChart.escape(PaperResults.SOURCES)).append(".</p>\n");
        }
        charts().forEach((id, chart) -> html.append(chart.render(id)));
        return html.append("</body></html>\n").toString();
    }

    /** Compares digits as numbers: batch-32 before batch-128. */
    static int compareNatural(String a, String b) {
        String[] left = a.split("(?<=[0-9])(?=[^0-9])|(?<=[^0-9])(?=[0-9])");
        String[] right = b.split("(?<=[0-9])(?=[^0-9])|(?<=[^0-9])(?=[0-9])");
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            boolean numbers = left[i].matches("[0-9]+") && right[i].matches("[0-9]+");
            int order = numbers ? new BigInteger(left[i]).compareTo(new BigInteger(right[i])) : left[i].compareTo(right[i]);
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    private static Double percent(Double fraction) {
        return fraction == null ? null : 100 * fraction;
    }

    private static String format(Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String integer(Double value) {
        return value == null ? "" : String.valueOf(Math.round(value));
    }

    private static String csvCell(String cell) {
        return cell.contains(",") || cell.contains("\"") ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }
}
