package org.resnetspark.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.resnetspark.training.EpochMetrics;
import org.resnetspark.training.RunRecord;

class ReportTest {

    private static RunSummary run(String name, String model, double testError, int batch, double... validationErrors) {
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int i = 0; i < validationErrors.length; i++) {
            epochs.add(Runs.epoch(i + 1, 2.0 / (i + 1), validationErrors[i] - 0.05, validationErrors[i], 10.0 + batch / 32, 500.0));
        }
        return new RunSummary(name, Runs.record(model, "cifar10", RunRecord.Status.FINISHED, testError, batch, 2, 5, 269722,
                100.0), epochs);
    }

    /** A run of a batch-size sweep: resnet20 throughout, one batch size. */
    private static RunSummary batchRun(int batch, double testError) {
        return run("batch-" + batch, "resnet20", testError, batch, 0.5, 0.3, 0.2);
    }

    private final List<RunSummary> depthRuns = List.of(
            run("a", "resnet20", 0.09, 128, 0.5, 0.3, 0.1),
            run("b", "resnet56", 0.07, 64, 0.6, 0.2, 0.08),
            run("c", "plain20", 0.12, 32, 0.7, 0.4));
    private final Report depth = new Report("depth", depthRuns);

    // Listed as a sweep folder lists them: batch-128 before batch-32.
    private final List<RunSummary> batchRuns = List.of(batchRun(128, 0.11), batchRun(32, 0.09), batchRun(64, 0.10));
    private final Report batchSweep = new Report("batch", batchRuns);

    @Test
    void tableHasOurNumbersThePapersAndTheDifference() {
        List<String> row = depth.rows().get(0);
        assertEquals(List.of("a", "resnet20", "resnet-spark", "cifar10", "finished", "9.00", "10.00", "8.75", "0.25", "269722",
                "128", "2", "5", "14.00", "500.00", "100.00"), row);
        assertEquals("", depth.rows().get(2).get(7), "no published number for plain20 in Table 6");
        String csv = depth.csv();
        assertTrue(csv.startsWith("run,model,trainer,dataset,status,test_error_%,best_validation_error_%,paper_error_%,difference_%,"
                + "parameters,effective_batch,workers,averaging_frequency,seconds_per_epoch,images_per_second,total_seconds\n"), csv);
        assertEquals(4, csv.strip().split("\n").length);
        assertTrue(depth.markdown().contains("| b | resnet56 | resnet-spark | cifar10 | finished | 7.00 | 8.00 | 6.97 | 0.03 |"),
                depth.markdown());
    }

    @Test
    void runsAreInNaturalOrderOfTheirNames() {
        assertEquals(List.of("batch-32", "batch-64", "batch-128"), batchSweep.rows().stream().map(row -> row.get(0)).toList());
        assertTrue(Report.compareNatural("resnet8", "resnet20") < 0);
        assertTrue(Report.compareNatural("b", "a10") > 0);
    }

    @Test
    void settingsEveryRunSharesAreListedOnceAboveTheTable() {
        assertEquals(Map.of("model", "resnet20", "trainer", "resnet-spark", "dataset", "cifar10", "status", "finished",
                "paper's CIFAR-10 test error (%)", "8.75", "parameters", "269722", "workers", "2", "averaging frequency (iterations)", "5"),
                batchSweep.commonSettings());
        // The batch differs, so it stays; results stay.
        assertEquals(List.of("run", "effective_batch", "test_error_%", "best_validation_error_%", "difference_%",
                "seconds_per_epoch", "images_per_second", "total_seconds"), keys(batchSweep.tableColumns()));

        String html = batchSweep.html();
        assertTrue(html.contains("<ul id=\"common\" class=\"common\">") && html.contains("<span class=\"name\">model</span> resnet20</li>"), html);
        String table = html.substring(html.indexOf("<table id=\"runs\" class=\"runs\">"), html.indexOf("</table>"));
        assertEquals(List.of("run", "effective batch (images)", "test error (%)", "best validation error (%)",
                "difference to paper (% points)", "time per epoch (s)", "throughput (images/s)", "total time (s)"), headings(table));
        assertFalse(table.contains(">resnet20<"), "the shared model is not repeated in every row");
        assertTrue(table.contains("<tr><td>batch-32</td><td class=\"number\">32</td><td class=\"number\">9.00</td>"), table);
    }

    @Test
    void settingsThatDifferComeBeforeTheResults() {
        assertEquals(List.of("run", "model", "paper_error_%", "effective_batch", "test_error_%", "best_validation_error_%",
                "difference_%", "seconds_per_epoch", "images_per_second", "total_seconds"), keys(depth.tableColumns()));
        assertEquals(Map.of("trainer", "resnet-spark", "dataset", "cifar10", "status", "finished", "parameters", "269722",
                "workers", "2", "averaging frequency (iterations)", "5"), depth.commonSettings());
    }

    @Test
    void aBatchSweepHasOneChartPerQuestionAndNoDepthChart() {
        List<Figure> figures = batchSweep.figures();
        assertEquals(List.of("training-curves", "against-effective-batch", "error-against-time"),
                figures.stream().map(Figure::id).toList());
        assertEquals(List.of("training-loss", "training-error", "validation-error"), chartIds(figures.get(0)));
        assertEquals(List.of("test-error-by-effective-batch", "epoch-time-by-effective-batch"), chartIds(figures.get(1)));
        assertEquals(List.of("batch-32", "batch-64", "batch-128"), names(figures.get(0).legend()),
                "one legend entry per run, below the three curve charts");
        assertEquals(List.of("all runs"), names(figures.get(1).legend()), "nothing but the batch differs: one line");

        String html = batchSweep.html();
        assertFalse(html.contains("depth"), "every run is resnet20: a chart against depth would be one column of dots");
        assertFalse(html.contains("<script") || html.contains("http://") && !html.contains("xmlns=\"http://www.w3.org/2000/svg\""),
                "self-contained");
        for (String label : List.of("epoch", "training loss", "training error (%)", "validation error (%)", "test error (%)",
                "time per epoch (s)", "effective batch (images)")) {
            assertTrue(html.contains(">" + label + "</text>"), "axis label " + label);
        }
        // Test error against batch: 32, 64 and 128 in order, 9, 10 and 11 %.
        SvgChart.Series line = figures.get(1).charts().get(0).series().get(0);
        assertEquals(List.of(32.0, 64.0, 128.0), line.points().stream().map(p -> p[0]).toList());
        assertEquals(11.0, line.points().get(2)[1], 1e-9);
    }

    @Test
    void eachCurveHasOnePointPerEpochAndARunKeepsItsColourInEveryChart() {
        String html = depth.html();
        Matcher validation = line(html, "validation-error", "b");
        assertTrue(validation.find(), html);
        assertEquals(3, validation.group(1).split(" ").length, "one point per epoch");
        Matcher training = line(html, "training-error", "b");
        assertTrue(training.find(), html);
        assertEquals(validation.group(2), training.group(2), "run b's colour");
    }

    @Test
    void aDepthChartNeedsAFamilyAtTwoDepths() {
        Report depthSweep = new Report("depth", List.of(run("a", "resnet20", 0.09, 128, 0.5), run("b", "resnet56", 0.07, 128, 0.6),
                run("c", "plain20", 0.12, 128, 0.7)));
        Figure byDepth = depthSweep.figures().get(1);
        assertEquals(List.of("test-error-by-depth", "epoch-time-by-depth"), chartIds(byDepth));
        assertEquals(List.of("resnet", "plain", "resnet: paper, CIFAR-10"), names(byDepth.legend()),
                "the paper's line beside ours; plain nets have no published number");
        List<SvgChart.Series> lines = byDepth.charts().get(0).series();
        assertEquals(List.of(20.0, 56.0), lines.get(0).points().stream().map(p -> p[0]).toList());
        assertEquals(1, lines.get(1).points().size(), "plain20 alone");
        assertEquals(List.of(8.75, 6.97), lines.get(2).points().stream().map(p -> p[1]).toList(), "Table 6");
        assertTrue(depthSweep.html().contains(">depth (layers)</text>"));

        Report oneDepthEach = new Report("no line", List.of(run("a", "resnet20", 0.09, 128, 0.5), run("c", "plain56", 0.12, 128, 0.7)));
        assertEquals(List.of("training-curves", "error-against-time"), oneDepthEach.figures().stream().map(Figure::id).toList(),
                "two families with one depth each: nothing to show against depth");
        assertEquals(List.of("training-curves", "error-against-time"), depth.figures().stream().map(Figure::id).toList(),
                "resnet20 and resnet56 at different batch sizes: no line holds everything else fixed");
    }

    @Test
    void stylesStayDistinctPastTheTenColours() {
        assertNotEquals(SvgChart.swatch(0), SvgChart.swatch(10));
        assertEquals(SvgChart.colour(0), SvgChart.colour(10));
        assertTrue(SvgChart.swatch(10).contains("stroke-dasharray"), SvgChart.swatch(10));
    }

    @Test
    void ticksAreRoundAndCoverTheRange() {
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0, 100.0), Arrays.stream(SvgChart.ticks(0, 97, false)).boxed().toList());
        assertEquals(List.of(1.0, 2.0, 3.0), Arrays.stream(SvgChart.ticks(1, 3, true)).boxed().toList(), "no epoch 1.5");
        assertEquals("0.5", SvgChart.label(0.5));
        assertEquals("0.3", SvgChart.label(0.1 + 0.2));
        assertEquals("25", SvgChart.label(25));
    }

    /** A Fashion-MNIST run of a workers-and-batch question, by this project or by PyTorch (which names itself in the runtime). */
    private static RunSummary fashionRun(String name, String runtime, int workers, boolean linearScaling, int batch, double testError,
                                         double secondsPerEpoch) {
        RunRecord record = Runs.record("resnet20", "fashion-mnist", RunRecord.Status.FINISHED, testError, batch, workers, 5, 272474,
                100.0);
        var recipe = new RunRecord.Recipe(0.1, 0.1, 0.9, false, 1e-4, List.of(), 4300, "none", 0, linearScaling);
        return new RunSummary(name, Runs.with(record, recipe, runtime),
                List.of(Runs.epoch(1, 0.5, 0.1, 0.1, secondsPerEpoch, 55_000 / secondsPerEpoch)));
    }

    @Test
    void otherDatasetsShowThePapersCifarNumberWithoutADifferenceAndOneWorkerHasNoAveragingFrequency() {
        Report fashion = new Report("fashion", List.of(fashionRun("ours", null, 1, false, 128, 0.06, 80),
                fashionRun("pytorch", "pytorch 1.13.0a0 threads=2", 1, false, 128, 0.061, 100)));
        List<String> ours = fashion.rows().get(0);
        List<String> keys = Report.COLUMNS.stream().map(Report.Column::key).toList();
        assertEquals("8.75", ours.get(keys.indexOf("paper_error_%")), "the pattern to compare with");
        assertEquals("", ours.get(keys.indexOf("difference_%")), "another dataset: no difference to CIFAR-10's number");
        assertEquals("", ours.get(keys.indexOf("averaging_frequency")), "one worker averages nothing");
        assertEquals(List.of("resnet-spark", "PyTorch 1.13.0a0"), fashion.rows().stream().map(r -> r.get(keys.indexOf("trainer"))).toList());
        assertTrue(fashion.html().contains("paper&#39;s CIFAR-10 test error (%)") || fashion.html().contains("paper's CIFAR-10 test error (%)"));

        Figure cost = fashion.figures().get(fashion.figures().size() - 1);
        assertEquals("error-against-time", cost.id());
        List<SvgChart.Series> points = cost.charts().get(0).series();
        assertEquals(List.of("ours", "pytorch"), names(points), "a point per run, in the runs' colours");
        assertEquals(100.0, points.get(1).points().get(0)[0], 1e-9);
        assertEquals(6.1, points.get(1).points().get(0)[1], 1e-9);
    }

    @Test
    void linesAlongTheBatchTellLinearScalingApart() {
        Report batch = new Report("batch", List.of(fashionRun("b64", null, 2, false, 64, 0.07, 90),
                fashionRun("b256", null, 2, false, 256, 0.08, 70), fashionRun("b64-ls", null, 2, true, 64, 0.065, 90),
                fashionRun("b256-ls", null, 2, true, 256, 0.075, 70)));
        Figure byBatch = batch.figures().get(1);
        assertEquals("against-effective-batch", byBatch.id());
        assertEquals(List.of("no linear scaling", "linear scaling"), names(byBatch.legend()));
        assertEquals(2, byBatch.charts().get(0).series().get(1).points().size());
    }

    @Test
    void aPageOfSectionsKeepsEachSectionsTableAndChartsApart() {
        ReportPage page = new ReportPage("Results", "All on Fashion-MNIST.", List.of(
                new Report("1. Depth", "Deeper plain nets train worse.", "s1-", depthRuns),
                new Report("2. Batch", null, "s2-", batchRuns)));
        String html = page.html();
        assertTrue(html.contains("<h1>Results</h1>") && html.contains("<h2>1. Depth</h2>") && html.contains("<h2>2. Batch</h2>"), html);
        assertTrue(html.contains("<p class=\"lead-note\">Deeper plain nets train worse.</p>"));
        for (String id : List.of("s1-runs", "s2-runs", "s1-training-loss", "s2-training-loss", "s2-test-error-by-effective-batch")) {
            assertEquals(1, html.split("id=\"" + id + "\"", -1).length - 1, id + " once on the page");
        }
        String[] csv = page.csv().split("\n");
        assertTrue(csv[0].startsWith("section,run,model,"), csv[0]);
        assertEquals(1 + 3 + 3, csv.length, "one header, then every run of both sections");
        assertTrue(csv[4].startsWith("\"2. Batch\",batch-32,"), csv[4]);
        assertTrue(page.markdown().contains("## 1. Depth\n\nDeeper plain nets train worse."), page.markdown());
    }

    /** The points and colour of a series' line in one chart. */
    private static Matcher line(String html, String chart, String series) {
        String svg = html.substring(html.indexOf("<svg id=\"" + chart + "\""));
        return Pattern.compile("data-name=\"" + series + "\" points=\"([^\"]+)\" fill=\"none\" stroke=\"(#[0-9a-f]+)\"")
                .matcher(svg.substring(0, svg.indexOf("</svg>")));
    }

    private static List<String> keys(List<Report.Column> columns) {
        return columns.stream().map(Report.Column::key).toList();
    }

    private static List<String> headings(String table) {
        List<String> headings = new ArrayList<>();
        Matcher th = Pattern.compile("<th>([^<]*)</th>").matcher(table);
        while (th.find()) {
            headings.add(th.group(1));
        }
        return headings;
    }

    private static List<String> chartIds(Figure figure) {
        return figure.charts().stream().map(SvgChart::id).toList();
    }

    private static List<String> names(List<SvgChart.Series> series) {
        return series.stream().map(SvgChart.Series::name).toList();
    }
}
