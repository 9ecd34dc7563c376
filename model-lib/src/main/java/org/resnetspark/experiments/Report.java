package org.resnetspark.experiments;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.training.EpochMetrics;

/**
 * Runs side by side: a table (CSV, Markdown, HTML) with the papers' numbers beside ours, and charts
 * that each answer one question: how loss and error went down epoch by epoch (as in He et al. 2015,
 * Fig. 6), and how test error and time per epoch depend on what a sweep varied.
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
    public record Column(String key, String heading, Kind kind) {
    }

    public static final List<Column> COLUMNS = List.of(
            new Column("run", "run", Kind.RUN),
            new Column("model", "model", Kind.SETTING),
            new Column("trainer", "trainer", Kind.SETTING),
            new Column("dataset", "dataset", Kind.SETTING),
            new Column("status", "status", Kind.SETTING),
            new Column("test_error_%", "test error (%)", Kind.RESULT),
            new Column("best_validation_error_%", "best validation error (%)", Kind.RESULT),
            new Column("paper_error_%", "paper's CIFAR-10 test error (%)", Kind.SETTING),
            new Column("difference_%", "difference to paper (% points)", Kind.RESULT),
            new Column("parameters", "parameters", Kind.SETTING),
            new Column("effective_batch", "effective batch (images)", Kind.SETTING),
            new Column("workers", "workers", Kind.SETTING),
            new Column("averaging_frequency", "averaging frequency (iterations)", Kind.SETTING),
            new Column("seconds_per_epoch", "time per epoch (s)", Kind.RESULT),
            new Column("images_per_second", "throughput (images/s)", Kind.RESULT),
            new Column("total_seconds", "total time (s)", Kind.RESULT));

    /** A numeric setting a sweep varies, as the x axis of a chart: its value for a run, or null. */
    private record Axis(String id, String name, String label, Function<RunSummary, Double> value) {
    }

    private static final Axis DEPTH = new Axis("depth", "depth", "depth (layers)", Report::depth);
    /** In the order they are preferred as the x axis. */
    private static final List<Axis> AXES = List.of(DEPTH,
            new Axis("effective-batch", "effective batch", "effective batch (images)", run -> (double) run.setup().effectiveBatch()),
            new Axis("workers", "workers", "workers", run -> (double) run.setup().workers()),
            new Axis("averaging-frequency", "averaging frequency", "averaging frequency (iterations)",
                    run -> averagingFrequency(run) == null ? null : (double) averagingFrequency(run)));

    /** A metric of metrics.jsonl, charted against the epoch; scale 100 turns a fraction into %. */
    private record Curve(String id, String title, Function<EpochMetrics, Double> value, String label, double scale) {
    }

    private static final List<Curve> CURVES = List.of(
            new Curve("training-loss", "Training loss by epoch", EpochMetrics::trainLoss, "training loss", 1),
            new Curve("training-error", "Training error by epoch", EpochMetrics::trainError, "training error (%)", 100),
            new Curve("validation-error", "Validation error by epoch", EpochMetrics::validationError,
                    "validation error (%)", 100));

    private static final String STYLE = "body{font-family:sans-serif;margin:24px;color:#222}"
            + "h1{font-size:26px;margin:0 0 14px}h2{font-size:19px;margin:30px 0 8px}"
            + ".common{list-style:none;padding:0;margin:0 0 12px;display:flex;flex-wrap:wrap;gap:4px 22px;font-size:14px}"
            + ".common .name{color:#666}.common .lead{font-weight:bold}"
            + ".lead-note{max-width:70em;font-size:14px;line-height:1.4}"
            + "section.report{border-top:2px solid #ccc;margin-top:28px}"
            + "table{border-collapse:collapse;font-size:13px}"
            + "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}"
            + "th{background:#f3f3f3;vertical-align:bottom;font-weight:600;max-width:8em}"
            + "td.number{text-align:right;font-variant-numeric:tabular-nums}"
            + ".note{font-size:13px;color:#555}"
            + ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px 20px}"
            + ".chart{width:100%;height:auto}"
            + ".legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 22px;font-size:13px}"
            + ".swatch{vertical-align:middle;margin-right:6px}";

    private final String title;
    private final String note;
    /** Put before every chart's id, so that several reports can share one page (see {@link ReportPage}). */
    private final String idPrefix;
    private final List<RunSummary> runs;
    private final List<List<String>> rows;

    public Report(String title, List<RunSummary> runs) {
        this(title, null, "", runs);
    }

    /**
     * The runs in natural order of their names, so that batch-32 comes before batch-128.
     *
     * @param note what the reader should know first (the question, the recipe, the paper's finding), or null
     */
    public Report(String title, String note, String idPrefix, List<RunSummary> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("A report needs at least one run folder");
        }
        this.title = title;
        this.note = note;
        this.idPrefix = idPrefix;
        this.runs = runs.stream().sorted(Comparator.comparing(RunSummary::name, Report::compareNatural)).toList();
        this.rows = this.runs.stream().map(Report::row).toList();
    }

    public String title() {
        return title;
    }

    /** One row per run, in {@link #COLUMNS} order; empty strings where a value is unknown. */
    public List<List<String>> rows() {
        return rows;
    }

    /** One worker averages nothing: its frequency is no setting of the run (null). */
    private static Integer averagingFrequency(RunSummary run) {
        return run.setup().workers() > 1 ? run.setup().averagingFrequency() : null;
    }

    private static List<String> row(RunSummary run) {
        Double test = percent(run.testError());
        // Beside any dataset's runs, as the pattern to compare with; a difference only where the data are the paper's.
        Double paper = PaperResults.error(run.model(), "cifar10");
        return List.of(run.name(), run.model(), run.trainer(), run.dataset(), run.status(), format(test),
                format(percent(run.bestValidationError())), format(paper),
                test != null && paper != null && run.dataset().equals("cifar10") ? format(test - paper) : "",
                integer(run.outcome().parameters()), integer(run.setup().effectiveBatch()), integer(run.setup().workers()),
                averagingFrequency(run) == null ? "" : integer(averagingFrequency(run)), format(run.meanEpochSeconds()),
                format(run.meanImagesPerSecond()), format(run.outcome().totalSeconds()));
    }

    public String csv() {
        StringBuilder csv = new StringBuilder(String.join(",", keys())).append('\n');
        for (List<String> row : rows) {
            csv.append(String.join(",", row.stream().map(Report::csvCell).toList())).append('\n');
        }
        return csv.toString();
    }

    public String markdown() {
        return markdown("#");
    }

    /** The table under a heading of the given level ("#", "##"), the note below it. */
    String markdown(String heading) {
        StringBuilder md = new StringBuilder(heading).append(' ').append(title).append("\n\n");
        if (note != null) {
            md.append(note).append("\n\n");
        }
        md.append("| ").append(String.join(" | ", keys())).append(" |\n|");
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

    /** The page's figures; one with nothing to show is left out. */
    public List<Figure> figures() {
        List<Figure> figures = new ArrayList<>(List.of(trainingCurves()));
        sweptAxes().forEach(axis -> figures.add(against(axis)));
        figures.add(errorAgainstTime());
        return figures.stream().filter(figure -> !figure.isEmpty()).toList();
    }

    /** Each run's test error against its time per epoch: what a setting costs in accuracy and buys in time. */
    private Figure errorAgainstTime() {
        SvgChart chart = new SvgChart(idPrefix + "error-against-time", "Test error against time per epoch", "time per epoch (s)",
                "test error (%)");
        List<RunSummary> measured = runs.stream().filter(run -> run.testError() != null && run.meanEpochSeconds() != null).toList();
        if (measured.size() > 1) {
            for (RunSummary run : measured) {
                double[] point = {run.meanEpochSeconds(), percent(run.testError())};
                chart.add(new SvgChart.Series(run.name(), List.<double[]>of(point), runs.indexOf(run)));
            }
        }
        return new Figure(idPrefix + "error-against-time", "Accuracy against time", List.of(chart));
    }

    /** Loss, training error and validation error by epoch: a chart each, a line per run in the same style in all three. */
    private Figure trainingCurves() {
        List<SvgChart> charts = new ArrayList<>();
        for (Curve curve : CURVES) {
            SvgChart chart = new SvgChart(idPrefix + curve.id(), curve.title(), "epoch", curve.label());
            for (int i = 0; i < runs.size(); i++) {
                List<double[]> points = new ArrayList<>();
                for (EpochMetrics epoch : runs.get(i).epochs()) {
                    Double y = curve.value().apply(epoch);
                    if (y != null) {
                        points.add(new double[] {epoch.epoch(), curve.scale() * y});
                    }
                }
                chart.add(new SvgChart.Series(runs.get(i).name(), points, i));
            }
            charts.add(chart);
        }
        return new Figure(idPrefix + "training-curves", "Training curves", charts);
    }

    /** Test error and time per epoch along an axis: a line per group of runs that agree on everything else. */
    private Figure against(Axis axis) {
        SvgChart error = new SvgChart(idPrefix + "test-error-by-" + axis.id(), "Test error against " + axis.name(), axis.label(),
                "test error (%)");
        SvgChart time = new SvgChart(idPrefix + "epoch-time-by-" + axis.id(), "Time per epoch against " + axis.name(), axis.label(),
                "time per epoch (s)");
        int style = 0;
        Map<String, List<RunSummary>> lines = linesAlong(axis);
        for (Map.Entry<String, List<RunSummary>> line : lines.entrySet()) {
            error.add(new SvgChart.Series(line.getKey(), points(line.getValue(), axis, run -> percent(run.testError())), style));
            time.add(new SvgChart.Series(line.getKey(), points(line.getValue(), axis, RunSummary::meanEpochSeconds), style));
            style++;
        }
        if (axis == DEPTH) {
            // The paper's CIFAR-10 errors of the same nets, as the pattern ours should repeat.
            for (Map.Entry<String, List<RunSummary>> line : lines.entrySet()) {
                error.add(new SvgChart.Series(line.getKey() + ": paper, CIFAR-10", points(line.getValue(), axis,
                        run -> PaperResults.error(run.model(), "cifar10")), style++));
            }
        }
        return new Figure(idPrefix + "against-" + axis.id(), "Test error and time per epoch against " + axis.name(),
                List.of(error, time));
    }

    /** The axes along which some line has two or more points: one column of dots would say nothing. */
    private List<Axis> sweptAxes() {
        return AXES.stream().filter(axis -> linesAlong(axis).values().stream()
                .anyMatch(line -> line.stream().map(axis.value()).distinct().count() > 1)).toList();
    }

    /** The runs that have a value on the axis, grouped by the name of their line. */
    private Map<String, List<RunSummary>> linesAlong(Axis axis) {
        Map<String, List<RunSummary>> lines = new LinkedHashMap<>();
        for (RunSummary run : runs) {
            if (axis.value().apply(run) != null) {
                lines.computeIfAbsent(lineName(run, axis), name -> new ArrayList<>()).add(run);
            }
        }
        return lines;
    }

    /** What tells a run apart from the others besides the axis: its model, dataset and the other axes that vary. */
    private String lineName(RunSummary run, Axis axis) {
        List<String> parts = new ArrayList<>();
        // Along depth a line is a family (plain against resnet); along anything else, a model.
        Function<RunSummary, String> model = axis == DEPTH ? Report::family : RunSummary::model;
        if (varies(model)) {
            parts.add(model.apply(run));
        }
        if (varies(RunSummary::trainer)) {
            parts.add(run.trainer());
        }
        if (varies(RunSummary::dataset)) {
            parts.add(run.dataset());
        }
        for (Axis other : AXES) {
            if (other != axis && other != DEPTH && varies(other.value())) {   // the model names its depth already
                Double value = other.value().apply(run);
                if (value != null) {
                    parts.add(other.name() + " " + integer(value));
                }
            }
        }
        if (varies(Report::linearScaling)) {
            parts.add(linearScaling(run) ? "linear scaling" : "no linear scaling");
        }
        return parts.isEmpty() ? "all runs" : String.join(", ", parts);
    }

    /** Two or more values among the runs that have one (a one-worker run has no averaging frequency). */
    private boolean varies(Function<RunSummary, ?> setting) {
        return runs.stream().map(setting).filter(Objects::nonNull).distinct().count() > 1;
    }

    private static List<double[]> points(List<RunSummary> runs, Axis axis, Function<RunSummary, Double> y) {
        List<double[]> points = new ArrayList<>();
        for (RunSummary run : runs) {
            Double xValue = axis.value().apply(run);
            Double yValue = y.apply(run);
            if (xValue != null && yValue != null) {
                points.add(new double[] {xValue, yValue});
            }
        }
        points.sort(Comparator.comparingDouble(p -> p[0]));
        return points;
    }

    private static boolean linearScaling(RunSummary run) {
        return run.setup().recipe() != null && run.setup().recipe().linearScaling();
    }

    /** The number of layers of a registry model, or null for a name the registry does not know. */
    private static Double depth(RunSummary run) {
        try {
            return (double) ModelRegistry.parse(run.model()).depth();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The model without its depth: resnet20 and resnet56 are "resnet", resnet8-k1 is "resnet-k1". */
    private static String family(RunSummary run) {
        Double depth = depth(run);
        if (depth == null) {
            return run.model();
        }
        String family = run.model().replaceFirst("(?<![0-9])" + depth.intValue() + "(?![0-9])", "").replace("--", "-");
        return family.replaceAll("^-|-$", "");
    }

    /** A self-contained page: no scripts, no external files; fits a laptop screen 1280 px wide. */
    public String html() {
        return page(title, body("h1"));
    }

    /** An HTML page around {@code body}, with the report's style. */
    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width\"><title>" + SvgChart.escape(title)
                + "</title>\n<style>" + STYLE + "</style></head><body>\n" + body + "</body></html>\n";
    }

    /** The report without the page around it: its title as a {@code heading} element, the note, settings, table and figures. */
    String body(String heading) {
        StringBuilder html = new StringBuilder("<").append(heading).append(">").append(SvgChart.escape(title))
                .append("</").append(heading).append(">\n");
        if (note != null) {
            html.append("<p class=\"lead-note\">").append(SvgChart.escape(note)).append("</p>\n");
        }
        Map<String, String> common = commonSettings();
        if (!common.isEmpty()) {
            html.append("<ul id=\"").append(idPrefix).append("common\" class=\"common\"><li class=\"lead\">Common to all runs:</li>");
            common.forEach((name, value) -> html.append("<li><span class=\"name\">").append(SvgChart.escape(name))
                    .append("</span> ").append(SvgChart.escape(value)).append("</li>"));
            html.append("</ul>\n");
        }
        List<Column> columns = tableColumns();
        html.append("<table id=\"").append(idPrefix).append("runs\" class=\"runs\"><thead><tr>");
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
        figures().forEach(figure -> html.append(figure.render()));
        return html.toString();
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

    private static String integer(Number value) {
        return value == null ? "" : String.valueOf(Math.round(value.doubleValue()));
    }

    private static String csvCell(String cell) {
        return cell.contains(",") || cell.contains("\"") ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }
}
