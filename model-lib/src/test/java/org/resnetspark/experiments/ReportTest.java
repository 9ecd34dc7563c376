package org.resnetspark.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static RunSummary run(String name, String model, double testError, int batch, double... validationErrors) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model", model);
        info.put("dataset", "cifar10");
        info.put("status", "finished");
        info.put("test_error", testError);
        info.put("parameters", 269722);
        info.put("effective_batch", batch);
        info.put("workers", 2);
        info.put("total_seconds", 100.0);
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (int i = 0; i < validationErrors.length; i++) {
            epochs.add(Map.of("epoch", i + 1, "iteration", 100 * (i + 1), "train_error", validationErrors[i] - 0.05,
                    "validation_error", validationErrors[i], "seconds", 10.0 + batch / 32, "images_per_second", 500.0));
        }
        return new RunSummary(name, info, epochs);
    }

    /** A run of a batch-size sweep: resnet20 throughout, one batch size, with the training loss recorded. */
    private static RunSummary batchRun(int batch, double testError) {
        RunSummary run = run("batch-" + batch, "resnet20", testError, batch, 0.5, 0.3, 0.2);
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (Map<String, Object> epoch : run.epochs()) {
            Map<String, Object> withLoss = new LinkedHashMap<>(epoch);
            withLoss.put("train_loss", 2.0 / (int) epoch.get("epoch"));
            epochs.add(withLoss);
        }
        return new RunSummary(run.name(), run.run(), epochs);
    }

    private final Report depth = new Report("depth", List.of(
            run("a", "resnet20", 0.09, 128, 0.5, 0.3, 0.1),
            run("b", "resnet56", 0.07, 64, 0.6, 0.2, 0.08),
            run("c", "plain20", 0.12, 32, 0.7, 0.4)));

    // Listed as a sweep folder lists them: batch-128 before batch-32.
    private final Report batchSweep = new Report("batch", List.of(batchRun(128, 0.11), batchRun(32, 0.09), batchRun(64, 0.10)));

    @Test
    void tableHasOurNumbersThePapersAndTheDifference() {
        List<String> row = depth.rows().get(0);
        assertEquals(List.of("a", "resnet20", "cifar10", "finished", "9.00", "10.00", "8.75", "0.25", "269722", "128", "2",
                "", "14.00", "500.00", "100.00"), row);
        assertEquals("", depth.rows().get(2).get(6), "no published number for plain20 in Table 6");
        String csv = depth.csv();
        assertTrue(csv.startsWith("run,model,dataset,status,test_error_%,best_validation_error_%,paper_error_%,difference_%,"
                + "parameters,effective_batch,workers,averaging_frequency,seconds_per_epoch,images_per_second,total_seconds\n"), csv);
        assertEquals(4, csv.strip().split("\n").length);
        assertTrue(depth.markdown().contains("| b | resnet56 | cifar10 | finished | 7.00 | 8.00 | 6.97 | 0.03 |"), depth.markdown());
    }

    @Test
    void runsAreInNaturalOrderOfTheirNames() {
        assertEquals(List.of("batch-32", "batch-64", "batch-128"), batchSweep.rows().stream().map(row -> row.get(0)).toList());
        assertTrue(Report.compareNatural("resnet8", "resnet20") < 0);
        assertTrue(Report.compareNatural("b", "a10") > 0);
    }

    @Test
    void settingsEveryRunSharesAreListedOnceAboveTheTable() {
        assertEquals(Map.of("model", "resnet20", "dataset", "cifar10", "status", "finished", "paper's test error (%)", "8.75",
                "parameters", "269722", "workers", "2"), batchSweep.commonSettings());
        // The batch differs, so it stays; results stay; averaging frequency was recorded by no run.
        assertEquals(List.of("run", "effective_batch", "test_error_%", "best_validation_error_%", "difference_%",
                "seconds_per_epoch", "images_per_second", "total_seconds"), keys(batchSweep.tableColumns()));

        String html = batchSweep.html();
        assertTrue(html.contains("<ul id=\"common\">") && html.contains("<span class=\"name\">model</span> resnet20</li>"), html);
        String table = html.substring(html.indexOf("<table id=\"runs\">"), html.indexOf("</table>"));
        assertEquals(List.of("run", "effective batch (images)", "test error (%)", "best validation error (%)",
                "difference to paper (% points)", "time per epoch (s)", "throughput (images/s)", "total time (s)"), headings(table));
        assertFalse(table.contains(">resnet20<"), "the shared model is not repeated in every row");
        assertTrue(table.contains("<tr><td>batch-32</td><td class=\"number\">32</td><td class=\"number\">9.00</td>"), table);
    }

    @Test
    void settingsThatDifferComeBeforeTheResults() {
        assertEquals(List.of("run", "model", "paper_error_%", "effective_batch", "test_error_%", "best_validation_error_%",
                "difference_%", "seconds_per_epoch", "images_per_second", "total_seconds"), keys(depth.tableColumns()));
        assertEquals(Map.of("dataset", "cifar10", "status", "finished", "parameters", "269722", "workers", "2"),
                depth.commonSettings());
    }

    @Test
    void chartsHaveAxesLegendsAndOneLinePerSeriesWithTheRunsData() {
        String html = depth.html();
        assertFalse(html.contains("<script") || html.contains("http://") && !html.contains("xmlns=\"http://www.w3.org/2000/svg\""),
                "self-contained");
        for (String id : List.of("error-curves", "time-per-epoch", "error-by-depth")) {
            assertTrue(html.contains("<svg id=\"" + id + "\""), id);
        }
        assertTrue(html.contains(">iteration</text>") && html.contains(">error (%)</text>"), "axis labels");
        assertTrue(html.contains(">a validation</text>") && html.contains(">c train</text>"), "legend");
        Matcher line = Pattern.compile("<polyline class=\"series\" data-name=\"b validation\" points=\"([^\"]+)\"").matcher(html);
        assertTrue(line.find(), html);
        assertEquals(3, line.group(1).split(" ").length, "one point per epoch");
        // error-by-depth: the resnet family as a line (20 and 56 layers), plain20 as a single point.
        assertTrue(html.contains("data-name=\"resnet\" points=\""), html);
    }

    @Test
    void ticksAreRoundAndCoverTheRange() {
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0, 100.0),
                java.util.Arrays.stream(SvgChart.ticks(0, 97)).boxed().toList());
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
}
