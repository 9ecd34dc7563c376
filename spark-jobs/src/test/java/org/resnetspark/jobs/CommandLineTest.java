package org.resnetspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.NetworkOptions;

/** The subcommands as a user runs them (in this JVM; run.sh is exercised by RunScriptIT). */
class CommandLineTest {

    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @Test
    void modelsListsThePapersNetworksWithTheirParameterCounts() {
        Run run = run("models");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().matches("(?s).*resnet20 +20 +0\\.27M +40\\.6.*"), run.out());
        assertTrue(run.out().matches("(?s).*resnet1202 +1202 +19\\.42M.*"), run.out());
        assertTrue(run.out().contains("plain110"), run.out());
    }

    @Test
    void modelsListsEveryFamily() {
        Run run = run("models");
        for (String family : new String[] {"plain110", "preact164", "resnet164", "wrn-28-10-dropout0.3", "resnet18"}) {
            assertTrue(run.out().contains(family + " "), family + " missing: " + run.out());
        }
        assertTrue(run.out().matches("(?s).*wrn-28-10 +28 +36\\.\\d\\dM.*"), run.out());
    }

    @Test
    void describePrintsTheNetworkLayerByLayer() {
        Run run = run("models", "--describe", "preact11");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("preact11: depth 11, 10 classes, input 3x32x32"), run.out());
        for (String vertex : new String[] {"stem_conv", "stage1_block1_bn1", "stage1_block1_conv3", "stage1_block1_shortcut_conv",
                "stage3_block1_add", "final_bn", "pool", "output"}) {
            assertTrue(run.out().contains(vertex), vertex + " missing: " + run.out());
        }
    }

    @Test
    void anUnknownModelIsAnErrorThatListsTheAcceptedNames() {
        Run run = run("benchmark", "--model", "resnet21");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("Depth 21") && run.err().contains("6n+2"), run.err());
        assertTrue(run.err().contains("Accepted: ") && run.err().contains("wrn-<depth>-<k>"), run.err());
    }

    @Test
    void aBadFlagIsAUsageError() {
        Run run = run("benchmark", "--batch", "many");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--batch"), run.err());
    }

    @Test
    void benchmarkPrintsOneJsonLine() {
        Run run = run("benchmark", "--model", "resnet8", "--batch", "8", "--warmup", "1", "--iterations", "2", "--json");
        assertEquals(0, run.exitCode(), run.err());
        String line = run.out().strip();
        assertTrue(line.matches("\\{\"model\":\"resnet8\",\"batch\":8,.*\"images_per_second\":[0-9.]+,\"ms_per_iteration\":[0-9.]+,.*\\}"), line);
        assertTrue(line.contains("onednn=on"), line);
    }

    @Test
    void trainWritesAModelThatLoadsBack(@TempDir Path dir) throws Exception {
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.driver.host", "localhost");
        try {
            Run run = run("train", "--model", "resnet8", "--workers", "2", "--batch-per-worker", "8",
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
        } finally {
            System.clearProperty("spark.master");
            System.clearProperty("spark.ui.enabled");
            System.clearProperty("spark.driver.host");
        }
    }
}
