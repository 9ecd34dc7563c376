package org.resnetspark.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * import-weights and export-weights as a user runs them: pytorch_resnet_cifar10's legacy
 * DataParallel checkpoint in, evaluate on the raw CIFAR files gives PyTorch's own confusion
 * matrix, and the exported file loads back into PyTorch strictly with the same logits.
 * PyTorch (python3-torch) is needed; without it the test fails saying so.
 */
@ExtendWith(Cli.LocalSpark.class)
class WeightsCommandsTest {

    private static final Path SCRIPT = Path.of(System.getProperty("user.dir"))
            .resolve("../submit-scripts/pytorch_reference.py").normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void importedWeightsEvaluateAsInPyTorchAndExportLoadsBack() throws Exception {
        Path reference = Files.createDirectories(dir.resolve("reference"));
        python("make", "--model", "resnet20", "--out", reference.toString(), "--seed", "3", "--images", "4");
        Path data = dir.resolve("cifar");
        assertEquals(0, Cli.run("generate-data", "--dataset", "cifar10", "--out", data.toString(),
                "--train", "10", "--test", "300").exitCode());

        Path model = dir.resolve("imported/model.zip");
        Files.createDirectories(model.getParent());
        var imported = Cli.run("import-weights", "--from", reference.resolve("legacy.pt").toString(), "--model", "resnet20",
                "--out", model.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        assertTrue(imported.out().contains("akamaster/pytorch_resnet_cifar10"), imported.out());

        var evaluated = Cli.run("evaluate", "--model-path", model.toString(), "--dataset", "cifar10", "--data", data.toString());
        assertEquals(0, evaluated.exitCode(), evaluated.err());
        Map<?, ?> ours = JSON.readValue(model.resolveSibling("eval.json").toFile(), Map.class);
        Map<?, ?> pytorch = JSON.readValue(python("predict", "--model", "resnet20", "--weights",
                reference.resolve("zip.pt").toString(), "--cifar", data.resolve("test_batch.bin").toString()), Map.class);
        assertEquals(pytorch.get("confusion_matrix"), ours.get("confusion_matrix"));

        Path exported = dir.resolve("exported.pt");
        var export = Cli.run("export-weights", "--model-path", model.toString(), "--model", "resnet20", "--out", exported.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().contains("channel-mean-std 0.4850/0.2290 0.4560/0.2240 0.4060/0.2250"), export.out());
        String check = python("check", "--model", "resnet20", "--weights", exported.toString(), "--dir", reference.toString());
        assertTrue(check.contains("\"ok\": true"), check);
    }

    @Test
    void trainFineTunesImportedWeightsOnTheirNormalisation() throws Exception {
        python("make", "--model", "resnet20", "--out", dir.toString(), "--images", "1");
        Path data = dir.resolve("cifar");
        assertEquals(0, Cli.run("generate-data", "--dataset", "cifar10", "--out", data.toString(),
                "--train", "64", "--test", "16").exitCode());
        Path imported = dir.resolve("model.zip");
        assertEquals(0, Cli.run("import-weights", "--from", dir.resolve("zip.pt").toString(), "--model", "resnet20",
                "--out", imported.toString()).exitCode());
        Path run = dir.resolve("run");
        // A learning rate too small to move a float32 weight: the trained model must still be the imported one.
        String[] train = {"train", "--model", "resnet20", "--dataset", "cifar10", "--data", data.toString(), "--workers", "2",
                "--batch", "16", "--val-size", "16", "--epochs", "1", "--lr", "1e-12", "--train-eval-size", "16",
                "--init-weights", imported.toString(), "--out", run.toString()};
        var trained = Cli.run(train);
        assertEquals(0, trained.exitCode(), trained.out() + trained.err());
        assertTrue(trained.out().contains("normalization channel-mean-std 0.4850/0.2290 0.4560/0.2240 0.4060/0.2250"),
                trained.out());

        var before = ModelSerializer.restoreComputationGraphAndNormalizer(imported.toFile(), false);
        var after = ModelSerializer.restoreComputationGraphAndNormalizer(run.resolve("model.zip").toFile(), false);
        for (String layer : new String[] {"stem_conv", "stage2_block1_conv1", "stage3_block3_conv2", "output"}) {
            assertArrayEquals(before.getFirst().getLayer(layer).getParam("W").dup().data().asFloat(),
                    after.getFirst().getLayer(layer).getParam("W").dup().data().asFloat(), 1e-6f, layer);
        }
        assertEquals(before.getSecond().toString(), after.getSecond().toString());
        assertEquals(imported.toString(), JSON.readValue(run.resolve("run.json").toFile(), Map.class).get("init_weights"));

        // Resuming continues the same experiment: the same --init-weights, or it is refused.
        List<String> withoutInitWeights = new ArrayList<>(List.of(train).subList(0, train.length - 4));
        withoutInitWeights.addAll(List.of("--out", run.toString(), "--resume"));
        var resumedWithout = Cli.run(withoutInitWeights.toArray(String[]::new));
        assertTrue(resumedWithout.err().contains("init_weights was " + imported + ", now null"), resumedWithout.err());
        assertEquals(ExitCode.USAGE.code, resumedWithout.exitCode(), resumedWithout.err());
        var otherModel = Cli.run("train", "--model", "resnet32", "--dataset", "cifar10", "--data", data.toString(),
                "--init-weights", imported.toString(), "--out", dir.resolve("other").toString());
        assertTrue(otherModel.err().startsWith("Error: --init-weights " + imported + " holds another network than resnet32"),
                otherModel.err());
    }

    @Test
    void weightsOfAnotherModelAreBadInputListingTheKeys() throws Exception {
        python("make", "--model", "resnet20", "--out", dir.toString(), "--images", "1");
        var run = Cli.run("import-weights", "--from", dir.resolve("zip.pt").toString(), "--model", "resnet32",
                "--out", dir.resolve("model.zip").toString());
        assertEquals(ExitCode.BAD_INPUT.code, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("Error: " + dir.resolve("zip.pt") + " does not fit resnet32 in the layout of "
                + "akamaster/pytorch_resnet_cifar10 (resnet.py): missing from the file (60): layer1.3.bn1.bias,"), run.err());
        assertTrue(run.err().contains("in the file but not in resnet32 (0): none; shapes differ (0): none."), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(Files.notExists(dir.resolve("model.zip")));
    }

    private static String python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "pytorch_reference.py did not finish");
        assertEquals(0, process.exitValue(), "pytorch_reference.py " + String.join(" ", args)
                + " failed (is python3-torch installed? submit-scripts/ensure-build-tools.sh --for-tests installs it): " + out);
        return out.strip();
    }
}
