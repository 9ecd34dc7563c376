package org.resnetspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.NetworkOptions;

/** The subcommands as a user runs them (in this JVM; run.sh is exercised by RunScriptIT). */
@ExtendWith(Cli.LocalSpark.class)
class CommandLineTest {

    @Test
    void modelsListsThePapersNetworksWithTheirParameterCounts() {
        Cli.Run run = Cli.run("models");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().matches("(?s).*resnet20 +20 +0\\.27M +40\\.6.*"), run.out());
        assertTrue(run.out().matches("(?s).*resnet1202 +1202 +19\\.42M.*"), run.out());
        assertTrue(run.out().contains("plain110"), run.out());
    }

    @Test
    void modelsListsEveryFamily() {
        Cli.Run run = Cli.run("models");
        for (String family : new String[] {"plain110", "preact164", "resnet164", "wrn-28-10-dropout0.3", "resnet18"}) {
            assertTrue(run.out().contains(family + " "), family + " missing: " + run.out());
        }
        assertTrue(run.out().matches("(?s).*wrn-28-10 +28 +36\\.\\d\\dM.*"), run.out());
    }

    @Test
    void describePrintsTheNetworkLayerByLayer() {
        Cli.Run run = Cli.run("models", "--describe", "preact11");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("preact11: depth 11, 10 classes, input 3x32x32"), run.out());
        for (String vertex : new String[] {"stem_conv", "stage1_block1_bn1", "stage1_block1_conv3", "stage1_block1_shortcut_conv",
                "stage3_block1_add", "final_bn", "pool", "output"}) {
            assertTrue(run.out().contains(vertex), vertex + " missing: " + run.out());
        }
    }

    @Test
    void anUnknownModelIsAnErrorThatListsTheAcceptedNames() {
        Cli.Run run = Cli.run("benchmark", "--model", "resnet21");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Depth 21") && run.err().contains("6n+2"), run.err());
        assertTrue(run.err().contains("Accepted: ") && run.err().contains("wrn-<depth>-<k>"), run.err());
    }

    @Test
    void zeroWorkersIsOneLineNotADivisionByZero() {
        var run = Cli.run("train", "--model", "resnet8", "--workers", "0", "--epochs", "1");
        assertEquals(2, run.exitCode());
        assertEquals("Error: --workers must be at least 1, got 0", run.err().strip());
    }

    @Test
    void verbosePrintsTheStackTraceAfterTheLine() {
        var quiet = Cli.run("train", "--model", "resnet8", "--workers", "0", "--epochs", "1");
        var verbose = Cli.run("train", "--model", "resnet8", "--workers", "0", "--epochs", "1", "--verbose");
        assertEquals(2, verbose.exitCode());
        assertEquals(quiet.err().strip(), verbose.err().lines().findFirst().orElse(""));
        assertTrue(verbose.err().contains("\tat org.resnetspark.jobs.TrainCommand"), verbose.err());
    }

    @Test
    void anS3aUriWithoutItsConnectorFailsBeforeTheDataIsReadNamingWhatToAdd(@TempDir Path dir) {
        var run = Cli.run("train", "--model", "resnet8", "--train-size", "64", "--epochs", "1",
                "--out", "s3a://some-bucket/runs/r8");
        assertEquals(4, run.exitCode(), run.out() + run.err());
        String error = run.err().strip();
        assertEquals(1, error.lines().count(), error);
        assertTrue(error.startsWith("Error: java.io.IOException: Cannot use s3a://some-bucket/runs/r8: this Spark has no "
                + "file system for s3a://") && error.contains("--packages org.apache.hadoop:hadoop-aws:3.3.4"), error);
        assertFalse(run.out().contains("training,"), "stopped before reading the data: " + run.out());
    }

    @Test
    void aDamagedRunIsLeftOutOfTheReportWithAWarning(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"good", "garbled", "broken"}) {
            Path run = Files.createDirectories(dir.resolve("runs").resolve(name));
            Files.writeString(run.resolve("run.json"), name.equals("broken") ? "{\"model\": \"resnet8\", "
                    : "{\"model\": \"resnet8\", \"dataset\": \"synthetic\", \"status\": \"finished\", \"test_error\": 0.25}");
            Files.writeString(run.resolve("metrics.jsonl"), "{\"epoch\": 1, \"iteration\": 4, \"train_error\": 0.5}\n"
                    + (name.equals("garbled") ? "garbage\n" : ""));
        }
        var report = Cli.run("report", dir.resolve("runs").toString(), "--out", dir.resolve("report").toString());
        assertEquals(0, report.exitCode(), report.out() + report.err());
        assertTrue(report.out().contains("report of 1 runs"), report.out());
        assertTrue(report.out().contains("Warning: left out of the report: ") && report.out().contains("garbled")
                && report.out().contains("line 2 is not a metrics record"), report.out());
        assertTrue(report.out().contains("broken") && report.out().contains("is not a run record"), report.out());

        Files.delete(dir.resolve("runs/good/run.json"));
        var nothing = Cli.run("report", dir.resolve("runs").toString(), "--out", dir.resolve("report").toString());
        assertEquals(3, nothing.exitCode(), nothing.out() + nothing.err());
        assertTrue(nothing.err().startsWith("Error: No readable run in "), nothing.err());
    }

    @Test
    void aBadFlagIsAUsageError() {
        Cli.Run run = Cli.run("benchmark", "--batch", "many");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--batch"), run.err());
    }

    @Test
    void benchmarkAndTrainShareOneDataOptionGroupAndBenchmarkHasNoSplitOptions() {
        String benchmark = Cli.run("benchmark", "--help").out();
        String train = Cli.run("train", "--help").out();
        for (String option : new String[] {"--dataset", "--data", "--normalization", "--train-size", "--augment"}) {
            String line = train.lines().filter(l -> l.trim().startsWith(option + "=") || l.trim().startsWith(option + " ")
                    || l.trim().startsWith("--[no-]" + option.substring(2))).findFirst().orElseThrow();
            assertTrue(benchmark.contains(line), option + " differs:\n" + benchmark);
        }
        assertFalse(benchmark.contains("--val-size") || benchmark.contains("--warmup "), benchmark);
    }

    @Test
    void benchmarkPrintsOneJsonLine() {
        Cli.Run run = Cli.run("benchmark", "--model", "resnet8", "--batch", "8", "--warmup-steps", "1", "--iterations", "2", "--json");
        assertEquals(0, run.exitCode(), run.err());
        String line = run.out().strip();
        assertTrue(line.matches("\\{\"model\":\"resnet8\",\"mode\":\"training\",\"layers\":\"ONEDNN\",\"batch\":8,"
                + ".*\"images_per_second\":[0-9.]+,\"ms_per_iteration\":[0-9.]+,.*\\}"), line);
        assertTrue(line.contains("onednn=on"), line);
        assertTrue(line.contains("blas-threads=1"), line);
    }

    @Test
    void benchmarkTimesInferenceOrDl4jLayersOnRequest() {
        Cli.Run run = Cli.run("benchmark", "--model", "resnet8", "--batch", "8", "--warmup-steps", "1", "--iterations", "2",
                "--inference", "--layers", "DL4J", "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().strip().startsWith("{\"model\":\"resnet8\",\"mode\":\"inference\",\"layers\":\"DL4J\","),
                run.out());
    }

    @Test
    void trainWritesAModelThatLoadsBack(@TempDir Path dir) throws Exception {
        Cli.Run run = Cli.run("train", "--model", "resnet8", "--workers", "2", "--batch-per-worker", "8",
                "--train-size", "64", "--epochs", "1", "--out", dir.toUri().toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("effective batch 16"), run.out());
        Path model = dir.resolve("model.zip");
        assertTrue(Files.exists(model), run.out());
        var restored = ModelSerializer.restoreComputationGraph(model.toFile());
        var fresh = ModelRegistry.parse("resnet8").build(NetworkOptions.defaults());
        assertEquals(fresh.getConfiguration().getVertices().keySet(), restored.getConfiguration().getVertices().keySet());
        assertTrue(restored.getConfiguration().getIterationCount() > 0, "the written model records its training");
        assertTrue(!fresh.params().equals(restored.params()), "the written model was trained");
    }
}
