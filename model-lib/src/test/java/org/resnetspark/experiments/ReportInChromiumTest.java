package org.resnetspark.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
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
 * The report as a person sees it: headless Chromium renders the page; the rendered DOM holds the
 * three charts with their data, and the screenshot shows the series' colours inside the plots.
 * Needs Debian's chromium (submit-scripts/ensure-build-tools.sh installs it).
 */
class ReportInChromiumTest {

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
        ImageIO.write(image, "png", new File(dir.toFile(), "checked.png"));
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
