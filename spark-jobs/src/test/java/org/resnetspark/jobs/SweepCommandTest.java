package org.resnetspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A sweep runs its points, is stopped and started again without redoing finished points, and reports. */
@ExtendWith(Cli.LocalSpark.class)
class SweepCommandTest {

    @Test
    void runsEveryPointSkipsFinishedOnesResumesPartialOnesAndReports(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.yaml");
        Files.writeString(file, """
                name: tiny
                base: {dataset: synthetic, train-size: 96, model: resnet8, epochs: 1, train-eval-size: 32}
                axes: {batch: [16, 32]}
                """);
        Path out = dir.resolve("sweep");
        Cli.Run first = Cli.run("sweep", file.toString(), "--out", out.toString());
        assertEquals(0, first.exitCode(), first.out() + first.err());
        for (String point : new String[] {"batch-16", "batch-32"}) {
            assertTrue(Files.readString(out.resolve(point).resolve("run.json")).contains("\"status\" : \"finished\""), point);
        }
        String csv = Files.readString(out.resolve("report.csv"));
        assertEquals(3, csv.strip().split("\n").length, csv);
        assertTrue(Files.readString(out.resolve("report.html")).contains("<svg id=\"training-loss\""));

        // As if the sweep had been killed during the second point: its run is not finished, its checkpoint is there.
        Path run = out.resolve("batch-32").resolve("run.json");
        Files.writeString(run, Files.readString(run).replace("\"status\" : \"finished\"", "\"status\" : \"running\""));
        Cli.Run again = Cli.run("sweep", file.toString(), "--out", out.toString());
        assertEquals(0, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("[1/2] batch-16: finished, skipped"), again.out());
        assertTrue(again.out().contains("[2/2] batch-32: resuming: train") && again.out().contains("--resume"), again.out());
        assertFalse(again.out().contains("batch-16: running"), again.out());
        assertTrue(Files.readString(run).contains("\"status\" : \"finished\""));
    }

    @Test
    void aFailingPointDoesNotStopTheOthersAndIsReported(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                name: bad
                base: {dataset: synthetic, train-size: 64, epochs: 1, batch: 32, train-eval-size: 16}
                axes: {model: [resnet21, resnet8]}
                """);
        Cli.Run run = Cli.run("sweep", file.toString(), "--out", dir.resolve("sweep").toString());
        assertEquals(2, run.exitCode(), "the failing point's exit code: a bad --model");
        assertTrue(run.err().contains("1 of 2 points failed: [model-resnet21 (exit 2)]") && run.err().contains("run the sweep again"),
                run.err());
        assertTrue(Files.exists(dir.resolve("sweep/model-resnet8/model.zip")));
    }

    @Test
    void anUnknownOptionInTheSweepFileStopsItBeforeAnyRunEvenInADryRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("typo.yaml");
        Files.writeString(file, """
                name: typo
                base: {dataset: synthetic, train-size: 64, epochs: 1, batch-size: 32}
                axes: {model: [resnet8, resnet14]}
                """);
        String sweepOut = dir.resolve("sweep").toString();
        for (String[] args : new String[][] {{"sweep", file.toString(), "--out", sweepOut, "--dry-run"},
                                             {"sweep", file.toString(), "--out", sweepOut}}) {
            Cli.Run run = Cli.run(args);
            assertEquals(2, run.exitCode(), run.out() + run.err());
            assertEquals(1, run.err().strip().lines().count(), "one line, not train's help per point: " + run.err());
            assertTrue(run.err().contains("point model-resnet8") && run.err().contains("--batch-size"), run.err());
            assertFalse(Files.exists(dir.resolve("sweep/model-resnet8")), "nothing ran");
        }
    }

    @Test
    void pytorchTrainsItsPointsIntoRunFoldersThatTheReportSetsBesideOurs(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("fashion");
        Cli.Run generated = Cli.run("generate-data", "--dataset", "fashion-mnist", "--out", data.toString(), "--train", "96",
                "--test", "20", "--gzip");
        assertEquals(0, generated.exitCode(), generated.err());
        Path file = dir.resolve("parity.yaml");
        Files.writeString(file, """
                name: parity
                title: Parity with PyTorch
                note: The same network and recipe, trained by each.
                base: {model: resnet8, dataset: fashion-mnist, data: %s, epochs: 1, batch: 16, val-size: 16, train-eval-size: 16}
                points:
                  - {trainer: pytorch, threads: 1}
                  - {single-machine: true}
                """.formatted(data));
        Path out = dir.resolve("sweep");
        Cli.Run sweep = Cli.run("sweep", file.toString(), "--out", out.toString());
        assertEquals(0, sweep.exitCode(), sweep.out() + sweep.err());
        assertTrue(sweep.out().contains("[1/2] trainer-pytorch_threads-1: running: /") && sweep.out().contains("train-pytorch.py"),
                sweep.out());
        String pytorchRun = Files.readString(out.resolve("trainer-pytorch_threads-1/run.json"));
        assertTrue(pytorchRun.contains("\"status\": \"finished\"") && pytorchRun.contains("\"runtime\": \"pytorch "), pytorchRun);
        assertTrue(Files.exists(out.resolve("trainer-pytorch_threads-1/eval.json")));

        String[] csv = Files.readString(out.resolve("report.csv")).split("\n");
        assertEquals(3, csv.length, String.join("\n", csv));
        int trainer = List.of(csv[0].split(",")).indexOf("trainer");
        int parameters = List.of(csv[0].split(",")).indexOf("parameters");
        assertTrue(csv[1].split(",")[trainer].startsWith("resnet-spark") && csv[2].split(",")[trainer].startsWith("PyTorch"),
                String.join("\n", csv));
        assertEquals(csv[1].split(",")[parameters], csv[2].split(",")[parameters], "the same network on one channel");

        Cli.Run page = Cli.run("report", "--sections", out.toString(), "--title", "Results", "--out", dir.resolve("page").toString());
        assertEquals(0, page.exitCode(), page.out() + page.err());
        String html = Files.readString(dir.resolve("page/report.html"));
        assertTrue(html.contains("<h2>Parity with PyTorch</h2>") && html.contains("The same network and recipe, trained by each."), html);
        assertTrue(Files.readString(dir.resolve("page/report.csv")).startsWith("section,run,"));
    }

    @Test
    void aPyTorchPointWithAnOptionPyTorchDoesNotTakeIsRefusedBeforeAnyRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                name: bad
                base: {model: resnet8, dataset: fashion-mnist, data: /nowhere, epochs: 1}
                points:
                  - {trainer: pytorch, workers: 2}
                  - {trainer: caffe}
                """);
        Cli.Run run = Cli.run("sweep", file.toString(), "--out", dir.resolve("sweep").toString());
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("trained by PyTorch, which does not take 'workers'"), run.err());
        Files.writeString(file, Files.readString(file).replace("  - {trainer: pytorch, workers: 2}\n", ""));
        Cli.Run unknown = Cli.run("sweep", file.toString(), "--out", dir.resolve("sweep").toString());
        assertTrue(unknown.err().contains("trainer 'caffe' is not known"), unknown.err());
    }

    @Test
    void pytorchRunsWithoutOurAllocatorAndWithTheSameOpenMpSettings() {
        java.util.Map<String, String> environment = new java.util.HashMap<>(java.util.Map.of(
                "LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "OMP_WAIT_POLICY", "ACTIVE", "HOME", "/root"));
        PyTorchPoint.setEnvironment(environment);
        assertEquals(java.util.Map.of("OMP_WAIT_POLICY", "PASSIVE", "GOMP_SPINCOUNT", "100000", "HOME", "/root"), environment);
    }
}
