package org.resnetspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
