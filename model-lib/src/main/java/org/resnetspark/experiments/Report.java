package org.resnetspark.experiments;

import java.util.ArrayList;
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

    static final List<String> COLUMNS = List.of("run", "model", "dataset", "status", "test_error_%", "best_validation_error_%",
            "paper_error_%", "difference_%", "parameters", "effective_batch", "workers", "averaging_frequency",
            "seconds_per_epoch", "images_per_second", "total_seconds");

    private final String title;
    private final List<RunSummary> runs;

    public Report(String title, List<RunSummary> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("A report needs at least one run folder");
        }
        this.title = title;
        this.runs = List.copyOf(runs);
    }

    /** One row per run, in {@link #COLUMNS} order; empty strings where a value is unknown. */
    public List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (RunSummary run : runs) {
            Double test = percent(run.testError());
            Double paper = PaperResults.error(run.model(), run.dataset());
            rows.add(List.of(run.name(), run.model(), run.dataset(), run.status(), format(test),
                    format(percent(run.bestValidationError())), format(paper),
                    test != null && paper != null ? format(test - paper) : "",
                    integer(run.number("parameters")), integer(run.number("effective_batch")), integer(run.number("workers")),
                    integer(run.number("averaging_frequency")), format(run.meanEpochSeconds()),
                    format(run.meanImagesPerSecond()), format(run.number("total_seconds"))));
        }
        return rows;
    }

    public String csv() {
        StringBuilder csv = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (List<String> row : rows()) {
            csv.append(String.join(",", row.stream().map(Report::csvCell).toList())).append('\n');
        }
        return csv.toString();
    }

    public String markdown() {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n| ").append(String.join(" | ", COLUMNS)).append(" |\n|");
        COLUMNS.forEach(c -> md.append(" --- |"));
        md.append('\n');
        for (List<String> row : rows()) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return md.append("\nPaper: ").append(PaperResults.SOURCES).append(".\n").toString();
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

    /** A self-contained page: no scripts, no external files. */
    public String html() {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(SvgChart.escape(title)).append("</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222}"
                        + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                        + "td:nth-child(-n+4),th{text-align:left}th{background:#f3f3f3}.chart{display:block;margin:18px 0}</style>"
                        + "</head><body>\n<h1>").append(SvgChart.escape(title)).append("</h1>\n<table id=\"runs\"><tr>");
        COLUMNS.forEach(c -> html.append("<th>").append(SvgChart.escape(c)).append("</th>"));
        html.append("</tr>\n");
        for (List<String> row : rows()) {
            html.append("<tr>");
            row.forEach(cell -> html.append("<td>").append(SvgChart.escape(cell)).append("</td>"));
            html.append("</tr>\n");
        }
        html.append("</table>\n<p>Paper: ").append(SvgChart.escape(PaperResults.SOURCES)).append(".</p>\n");
        charts().forEach((id, chart) -> html.append(chart.render(id)));
        return html.append("</body></html>\n").toString();
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
