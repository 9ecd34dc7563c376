package org.resnetspark.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnetspark.training.EpochMetrics;
import org.resnetspark.training.RunRecord;

/**
 * The report as a person sees it: headless Chromium renders the page 1280 px wide, as on a laptop;
 * the rendered DOM holds one chart per question with the runs' data, the page does not scroll
 * sideways, and the screenshot shows the series' colours inside the plots.
 * Needs Debian's chromium (submit-scripts/ensure-build-tools.sh installs it).
 */
class ReportInChromiumTest {

    private static final int LAPTOP_WIDTH = 1280;

    private static List<String> chromium(Path profile, String... args) {
        String binary = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "chromium";
        List<String> command = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        return command;
    }

    private static String run(List<String> command, Path log) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("Chromium is needed to test the report charts: run submit-scripts/ensure-build-tools.sh "
                    + "(or apt-get install chromium)", e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
        return out;
    }

    /** A run of a batch-size sweep as the trainer records it, with a long folder name. */
    private static RunSummary sweepRun(int batch, int workers) {
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int epoch = 1; epoch <= 5; epoch++) {
            epochs.add(Runs.epoch(epoch, 2.0 / epoch, 0.6 / epoch + batch / 2000.0, 0.65 / epoch + batch / 2000.0,
                    4000.0 / batch / workers, 50.0 * batch));
        }
        return new RunSummary("model-resnet20_batch-" + batch + "_workers-" + workers, Runs.record("resnet20", "cifar10",
                RunRecord.Status.FINISHED, 0.08 + batch / 2000.0, batch, workers, 5, 272474, 20000.0 / batch / workers), epochs);
    }

    /** Runs that differ in every setting (PyTorch trained one): all sixteen columns stay in the table. */
    private static RunSummary unlikeRun(String model, String dataset, RunRecord.Status status, int batch, int workers,
                                        int averaging) {
        RunRecord record = Runs.record(model, dataset, status, 0.0812, batch, workers, averaging, 123456789L / batch, 123456.78);
        return new RunSummary("a-rather-long-run-name-for-" + model + "_batch-" + batch + "_workers-" + workers,
                workers == 1 ? Runs.with(record, null, "pytorch 1.13.0a0 threads=2") : record,
                List.of(Runs.epoch(1, 1.5, 0.2, 0.1234, 12345.67, 12345.67)));
    }

    @Test
    void aSweepReportShowsOneChartPerQuestionAndFitsALaptopScreen(@TempDir Path dir) throws Exception {
        List<RunSummary> sweep = new ArrayList<>();
        for (int batch : List.of(32, 64, 128, 256)) {
            for (int workers : List.of(1, 2)) {
                sweep.add(sweepRun(batch, workers));
            }
        }
        Path page = dir.resolve("report.html");
        Files.writeString(page, new Report("chromium", sweep).html());

        String dom = renderedWithWidth(page, dir);
        for (String id : List.of("training-loss", "training-error", "validation-error", "test-error-by-effective-batch",
                "epoch-time-by-effective-batch", "test-error-by-workers", "epoch-time-by-workers", "error-against-time")) {
            assertTrue(dom.contains("<svg id=\"" + id + "\""), id + " not rendered: " + dom.substring(0, Math.min(400, dom.length())));
        }
        assertFalse(dom.contains("by-depth"), "every run is resnet20");
        assertEquals(8 * 3 + 2 * 2 + 4 * 2, count(dom, "<polyline class=\"series\" data-name=\"[^\"]+\" points=\"[0-9., ]+\""),
                "a line per run in each of the three curve charts, a line per worker count in the two charts against batch, "
                        + "a line per batch in the two against workers (a run's point against its time has no line)");
        assertEquals(8 + 2 + 4 + 8, count(dom, "<li><svg class=\"swatch\""), "each legend names its series once");
        assertTrue(scrollWidth(dom) <= LAPTOP_WIDTH, "the page scrolls sideways: " + scrollWidth(dom) + " px");

        Path png = dir.resolve("report.png");
        run(chromium(dir.resolve("profile"), "--window-size=" + LAPTOP_WIDTH + ",1600", "--screenshot=" + png, page.toUri().toString()),
                dir.resolve("shot.log"));
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null && image.getWidth() == LAPTOP_WIDTH, "screenshot " + png);
        // The first series' blue (#1f77b4) and the second's red (#d62728) appear in the pictures.
        assertTrue(countColour(image, 0x1f77b4) > 100, "blue series pixels: " + countColour(image, 0x1f77b4));
        assertTrue(countColour(image, 0xd62728) > 100, "red series pixels: " + countColour(image, 0xd62728));
    }

    @Test
    void aTableWithEveryColumnFitsALaptopScreen(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("report.html");
        Files.writeString(page, new Report("chromium", List.of(unlikeRun("preact1001", "cifar10", RunRecord.Status.INTERRUPTED, 32, 2, 5),
                unlikeRun("resnet110", "cifar10", RunRecord.Status.FINISHED, 64, 4, 10),
                unlikeRun("plain56", "synthetic", RunRecord.Status.DIVERGED, 256, 1, 1),
                unlikeRun("wrn-16-4", "cifar10", RunRecord.Status.FINISHED, 128, 8, 20))).html());
        String dom = renderedWithWidth(page, dir);
        assertEquals(Report.COLUMNS.size(), count(dom, "<th>"), "every column differs");
        assertTrue(scrollWidth(dom) <= LAPTOP_WIDTH, "the page scrolls sideways: " + scrollWidth(dom) + " px");
    }

    /**
     * The DOM of the page rendered 1280 px wide, with the page's scroll width on the body. The
     * measuring script goes into a copy: the report itself has no scripts.
     */
    private static String renderedWithWidth(Path page, Path dir) throws Exception {
        Path measured = dir.resolve("measured.html");
        Files.writeString(measured, Files.readString(page).replace("</body>",
                "<script>document.body.setAttribute('data-scroll-width', document.documentElement.scrollWidth)</script></body>"));
        return run(chromium(dir.resolve("profile"), "--window-size=" + LAPTOP_WIDTH + ",900", "--dump-dom", measured.toUri().toString()),
                dir.resolve("dom.log"));
    }

    private static int scrollWidth(String dom) {
        Matcher width = Pattern.compile("data-scroll-width=\"([0-9]+)\"").matcher(dom);
        assertTrue(width.find(), "no scroll width measured: " + dom.substring(0, Math.min(400, dom.length())));
        return Integer.parseInt(width.group(1));
    }

    private static int count(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    private static int countColour(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y) & 0xffffff;
                if (Math.abs((p >> 16) - (rgb >> 16)) < 24 && Math.abs((p >> 8 & 0xff) - (rgb >> 8 & 0xff)) < 24
                        && Math.abs((p & 0xff) - (rgb & 0xff)) < 24) {
                    count++;
                }
            }
        }
        return count;
    }
}
