package org.resnetspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnetspark.experiments.ScalingModel;
import org.resnetspark.models.ModelSummary;

/** The scaling model from run folders that differ in their averaging frequency, as a cost sweep leaves them. */
class ScalingModelCommandTest {

    /** A finished two-worker run whose second epoch took 40 steps and {@code seconds}. */
    private static void run(Path sweep, int frequency, double seconds) throws Exception {
        Path folder = Files.createDirectories(sweep.resolve("model-resnet20_averaging-frequency-" + frequency));
        Files.writeString(folder.resolve("run.json"), """
                {"status": "finished", "model": "resnet20", "dataset": "synthetic", "train_images": 5120,
                 "validation_images": 0, "seed": 42, "workers": 2, "batch_per_worker": 64, "effective_batch": 128,
                 "averaging_frequency": %d}
                """.formatted(frequency));
        Files.writeString(folder.resolve("metrics.jsonl"), """
                {"epoch":1,"iteration":40,"learning_rate":0.1,"train_loss":2.0,"train_error":0.8,"images_per_second":100,"seconds":30,"elapsed_seconds":31,"effective_batch":128}
                {"epoch":2,"iteration":80,"learning_rate":0.1,"train_loss":1.5,"train_error":0.6,"images_per_second":500,"seconds":%s,"elapsed_seconds":45,"effective_batch":128}
                """.formatted(seconds));
    }

    @Test
    void solvesTheRoundAndStepFromTwoFrequenciesChecksTheThirdAndPredicts(@TempDir Path dir) throws Exception {
        // 40 steps of 0.2 s, rounds of 0.05 s: 40, 8 and 2 rounds.
        run(dir, 1, 40 * 0.2 + 40 * 0.05);
        run(dir, 5, 40 * 0.2 + 8 * 0.05);
        run(dir, 20, 40 * 0.2 + 2 * 0.05);
        Path benchmarks = dir.resolve("benchmarks.jsonl");
        Files.writeString(benchmarks, "not JSON: a benchmark's log line\n{\"model\":\"resnet20\",\"batch\":64,\"ms_per_iteration\":200.0}\n");

        Cli.Run run = Cli.run("scaling-model", dir.toString(), "--benchmarks", benchmarks.toString(), "--workers", "2,128",
                "--frequencies", "1", "--out", dir.resolve("scaling.md").toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("| resnet20 | 2.2 | 0.050 | 0.200 | frequency 5: 8.4 s predicted, 8.4 s measured (+0%) |"),
                run.out());
        assertTrue(run.out().contains("0.050 s + 0.00 ns per byte (one network measured: no per-byte part)"), run.out());
        ModelSummary resnet20 = ModelSummary.of("resnet20");
        var model = new ScalingModel("resnet20", ScalingModel.floatsPerRound(resnet20.trainableParameters(),
                resnet20.batchNormParameters()), 64, 0.2, new ScalingModel.RoundCost(0.05, 0), 50_000);
        String row = String.format(Locale.ROOT, "| resnet20 | 64 | 0.200 | 2.2 | 1 | %.0f%% | %.0f%% |", 100 * model.efficiency(2, 1, 10e9),
                100 * model.efficiency(128, 1, 10e9));
        assertTrue(run.out().contains(row), row + " in\n" + run.out());
        assertEquals(run.out().strip(), Files.readString(dir.resolve("scaling.md")).strip());
    }

    @Test
    void runsAtOneFrequencyCannotMeasureARound(@TempDir Path dir) throws Exception {
        run(dir, 5, 8.4);
        Files.writeString(dir.resolve("b.jsonl"), "{\"model\":\"resnet20\",\"batch\":64,\"ms_per_iteration\":200.0}\n");
        Cli.Run run = Cli.run("scaling-model", dir.toString(), "--benchmarks", dir.resolve("b.jsonl").toString());
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("at two averaging frequencies"), run.err());
    }
}
