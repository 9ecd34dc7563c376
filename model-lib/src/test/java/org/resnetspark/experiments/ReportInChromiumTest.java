package org.resnetspark.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a person sees it: headless Chromium renders the page 1280 px wide, as on a laptop;
 * the page does not scroll sideways, the rendered DOM holds the three charts with their data, and
 * the screenshot shows the series' colours inside the plots.
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

    /** Runs that differ in every setting: all fifteen columns stay in the table. */
    private static RunSummary unlikeRun(String model, String dataset, String status, int batch, int workers, int averaging) {
        return new RunSummary("a-rather-long-run-name-for-" + model + "_batch-" + batch + "_workers-" + workers, Map.of("model", model,
                "dataset", dataset, "status", status, "test_error", 0.0812, "effective_batch", batch, "workers", workers,
                "averaging_frequency", averaging, "parameters", 123456789L / batch, "total_seconds", 123456.78),
                List.of(Map.of("epoch", 1, "validation_error", 0.1234, "seconds", 12345.67, "images_per_second", 12345.67)));
    }

    @Test
    void chromiumShowsThreeChartsWithTheirData(@TempDir Path dir) throws Exception {
        RunSummary a = new RunSummary("resnet20-run", Map.of("model", "resnet20", "dataset", "cifar10", "status", "finished",
                "test_error", 0.09, "effective_batch", 128),
                List.of(Map.of("iteration", 100, "train_error", 0.6, "validation_error", 0.7, "seconds", 30.0),
                        Map.of("iteration", 200, "train_error", 0.3, "validation_error", 0.35, "seconds", 30.0)));
        RunSummary b = new RunSummary("resnet56-run", Map.of("model", "resnet56", "dataset", "cifar10", "status", "finished",
                "test_error", 0.07, "effective_batch", 64),
                List.of(Map.of("iteration", 100, "train_error", 0.5, "validation_error", 0.6, "seconds", 70.0),
                        Map.of("iteration", 200, "train_error", 0.2, "validation_error", 0.25, "seconds", 70.0)));
        Path page = dir.resolve("report.html");
        Files.writeString(page, new Report("chromium", List.of(a, b)).html());

        String dom = run(chromium(dir.resolve("profile"), "--dump-dom", page.toUri().toString()), dir.resolve("dom.log"));
        for (String id : List.of("error-curves", "time-per-epoch", "error-by-depth")) {
            assertTrue(dom.contains("<svg id=\"" + id + "\""), id + " not rendered: " + dom.substring(0, Math.min(400, dom.length())));
        }
        Matcher lines = Pattern.compile("<polyline class=\"series\" data-name=\"[^\"]+\" points=\"[0-9., ]+\"").matcher(dom);
        int series = 0;
        while (lines.find()) {
            series++;
        }
        assertEquals(5, series, "4 error curves and the depth line");

        Path png = dir.resolve("report.png");
        run(chromium(dir.resolve("profile"), "--window-size=1000,1700", "--screenshot=" + png, page.toUri().toString()),
                dir.resolve("shot.log"));
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null && image.getWidth() == 1000, "screenshot " + png);
        // The first series' blue (#1f77b4) and the second's red (#d62728) appear in the pictures.
        assertTrue(countColour(image, 0x1f77b4) > 100, "blue series pixels: " + countColour(image, 0x1f77b4));
        assertTrue(countColour(image, 0xd62728) > 100, "red series pixels: " + countColour(image, 0xd62728));
    }

    @Test
    void aTableWithEveryColumnFitsALaptopScreen(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("report.html");
        Files.writeString(page, new Report("chromium", List.of(unlikeRun("preact1001", "cifar10", "interrupted", 32, 2, 5),
                unlikeRun("resnet110", "cifar10", "finished", 64, 4, 10), unlikeRun("plain56", "synthetic", "diverged", 256, 1, 1),
                unlikeRun("wrn-16-4", "cifar10", "finished", 128, 8, 20))).html());
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
