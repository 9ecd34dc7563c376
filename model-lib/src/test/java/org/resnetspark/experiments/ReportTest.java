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

    private final Report report = new Report("depth", List.of(
            run("a", "resnet20", 0.09, 128, 0.5, 0.3, 0.1),
            run("b", "resnet56", 0.07, 64, 0.6, 0.2, 0.08),
            run("c", "plain20", 0.12, 32, 0.7, 0.4)));

    @Test
    void tableHasOurNumbersThePapersAndTheDifference() {
        List<String> row = report.rows().get(0);
        assertEquals(List.of("a", "resnet20", "cifar10", "finished", "9.00", "10.00", "8.75", "0.25", "269722", "128", "2",
                "", "14.00", "500.00", "100.00"), row);
        assertEquals("", report.rows().get(2).get(6), "no published number for plain20 in Table 6");
        String csv = report.csv();
        assertTrue(csv.startsWith("run,model,dataset,status,test_error_%"), csv);
        assertEquals(4, csv.strip().split("\n").length);
        assertTrue(report.markdown().contains("| b | resnet56 | cifar10 | finished | 7.00 | 8.00 | 6.97 | 0.03 |"), report.markdown());
    }

    @Test
    void chartsHaveAxesLegendsAndOneLinePerSeriesWithTheRunsData() {
        String html = report.html();
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
}
