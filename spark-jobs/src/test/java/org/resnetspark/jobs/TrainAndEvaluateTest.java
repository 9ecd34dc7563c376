package org.resnetspark.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.resnetspark.training.RunFolder;
import org.resnetspark.training.RunLock;

/** The training job end to end on CIFAR-10 files, then the evaluation job on what it wrote. */
@ExtendWith(Cli.LocalSpark.class)
class TrainAndEvaluateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path file) throws Exception {
        return JSON.readValue(file.toFile(), Map.class);
    }

    @Test
    void trainWritesARunFolderThatEvaluateAndResumeUse(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("cifar");
        assertEquals(0, Cli.run("generate-data", "--dataset", "cifar10", "--out", data.toString(),
                "--train", "320", "--test", "64").exitCode());
        Path run = dir.resolve("run");
        String[] train = {"train", "--model", "resnet8", "--dataset", "cifar10", "--data", data.toString(),
                "--workers", "2", "--batch", "32", "--val-size", "64", "--lr-steps", "1", "--out", run.toString()};

        var first = Cli.run(concat(train, "--epochs", "2"));
        assertEquals(0, first.exitCode(), first.out() + first.err());
        assertTrue(first.out().contains("2 workers x 16 images = effective batch 32"), first.out());
        assertTrue(first.out().matches("(?s).*epoch 2/2, iteration 16/16, lr 0\\.0100, loss [0-9.]+, train error [0-9.]+%, "
                + "validation error [0-9.]+%, [0-9.]+ images/s, .*ETA.*"), first.out());
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(2, metrics.size());
        Map<String, Object> info = json(run.resolve("run.json"));
        assertEquals("finished", info.get("status"));
        assertEquals(32, info.get("effective_batch"));
        assertTrue(info.containsKey("test_error") && info.containsKey("versions") && info.containsKey("cluster"), info.toString());
        assertTrue(Files.exists(run.resolve("model.zip")));
        Map<String, Object> trainEval = json(run.resolve("eval.json"));   // the final model on the test split
        assertEquals(((Number) info.get("test_error")).doubleValue(), 1 - ((Number) trainEval.get("accuracy")).doubleValue(), 1e-9);
        assertEquals(List.of("epoch-000001.json", "epoch-000001.zip", "epoch-000002.json", "epoch-000002.zip"),
                Files.list(run.resolve("checkpoints")).map(p -> p.getFileName().toString()).sorted().toList());

        // No --dataset: the run's own, from run.json (it used to default to synthetic images).
        var evaluate = Cli.run("evaluate", "--model-path", run.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.out() + evaluate.err());
        Map<String, Object> eval = json(run.resolve("eval.json"));
        assertEquals("resnet8", eval.get("model"));
        assertEquals(64, eval.get("images"));
        assertEquals(75_290L, ((Number) eval.get("parameters")).longValue());   // resnet8, as `models resnet8` counts
        double accuracy = ((Number) eval.get("accuracy")).doubleValue();
        assertEquals(100 * (1 - accuracy), ((Number) eval.get("error_percent")).doubleValue(), 1e-9);
        assertEquals(((Number) info.get("test_error")).doubleValue(), 1 - accuracy, 1e-9);
        List<List<Integer>> confusion = (List<List<Integer>>) eval.get("confusion_matrix");
        assertEquals(64, confusion.stream().flatMap(List::stream).mapToInt(Integer::intValue).sum());
        assertEquals(10, ((List<?>) eval.get("per_class_accuracy")).size());

        assertEquals("cifar10", eval.get("dataset"));
        byte[] record = Files.readAllBytes(run.resolve("eval.json"));

        // Another dataset's results never replace the run's own.
        var elsewhere = Cli.run("evaluate", "--model-path", run.toString(), "--dataset", "synthetic");
        assertEquals(2, elsewhere.exitCode());
        assertEquals("Error: " + run + " was trained on cifar10; its eval.json stays about that. To evaluate it on "
                + "synthetic, give --out FOLDER for the results.", elsewhere.err().strip());
        assertArrayEquals(record, Files.readAllBytes(run.resolve("eval.json")));
        // Images of another shape are refused before evaluation, in one line.
        Path digits = dir.resolve("fashion");
        assertEquals(0, Cli.run("generate-data", "--dataset", "fashion-mnist", "--out", digits.toString(),
                "--train", "20", "--test", "20").exitCode());
        var otherShape = Cli.run("evaluate", "--model-path", run.toString(), "--dataset", "fashion-mnist",
                "--data", digits.toString(), "--out", dir.resolve("fashion-eval").toString());
        assertEquals(2, otherShape.exitCode());
        assertTrue(otherShape.err().strip().matches("Error: .*model\\.zip was trained on 3x32x32 images, but fashion-mnist "
                + "has 1x28x28: evaluate it on the dataset it was trained on"), otherShape.err());
        assertArrayEquals(record, Files.readAllBytes(run.resolve("eval.json")));

        var checkpoints = Cli.run("evaluate", "--model-path", run.toString(), "--all-checkpoints",
                "--split", "validation", "--dataset", "cifar10", "--data", data.toString(), "--out", dir.resolve("evals").toString());
        assertEquals(0, checkpoints.exitCode(), checkpoints.out() + checkpoints.err());
        assertTrue(Files.exists(dir.resolve("evals/eval-epoch-000001.json")) && Files.exists(dir.resolve("evals/eval-model.json")));

        var again = Cli.run(concat(train, "--epochs", "3"));
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("already holds a run") && again.err().contains("--resume"), again.err());

        // Resuming is for the same experiment: another model, or another rate without saying so, is refused.
        byte[] runJson = Files.readAllBytes(run.resolve("run.json"));
        String[] asResnet14 = java.util.Arrays.stream(train).map(a -> a.equals("resnet8") ? "resnet14" : a).toArray(String[]::new);
        var otherModel = Cli.run(concat(asResnet14, "--epochs", "3", "--resume"));
        assertEquals(2, otherModel.exitCode());
        assertTrue(otherModel.err().strip().matches("Error: \\S*" + run + "/? holds another experiment: model was resnet8, "
                + "now resnet14\\. Resume it with its own settings, add --allow-recipe-change for a deliberate change of "
                + "the recipe, or give another --out\\."), otherModel.err());
        var otherRate = Cli.run(concat(train, "--epochs", "3", "--resume", "--lr", "0.05"));
        assertEquals(2, otherRate.exitCode());
        assertTrue(otherRate.err().contains("holds another experiment: recipe learning_rate was 0.1, now 0.05."), otherRate.err());
        assertArrayEquals(runJson, Files.readAllBytes(run.resolve("run.json")));

        var resumed = Cli.run(concat(train, "--epochs", "3", "--resume"));
        assertEquals(0, resumed.exitCode(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("Resuming from checkpoints/epoch-000002.zip: epoch 2, iteration 16"), resumed.out());
        assertEquals(3, Files.readAllLines(run.resolve("metrics.jsonl")).size());
    }

    @Test
    void aRunFolderBelongsToOneProcessAndIsNeverOverwritten(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        String[] train = {"train", "--model", "resnet8", "--train-size", "64", "--train-eval-size", "16", "--val-size", "0",
                "--epochs", "1", "--out", out.toString()};
        RunFolder folder = new RunFolder(out.toString(), new org.apache.hadoop.conf.Configuration());
        try (RunLock held = RunLock.acquire(folder)) {   // another run, still going
            var second = Cli.run(train);
            assertEquals(2, second.exitCode());
            assertTrue(second.err().contains(" is in use by process " + ProcessHandle.current().pid())
                    && second.err().contains("give another --out"), second.err());
        }
        assertEquals(0, Cli.run(train).exitCode());
        // A finished run whose checkpoints were removed is still a record: not overwritten without --resume.
        for (Path checkpoint : Files.list(out.resolve("checkpoints")).toList()) {
            Files.delete(checkpoint);
        }
        byte[] record = Files.readAllBytes(out.resolve("run.json"));
        var again = Cli.run(train);
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("already holds a run (its run.json): add --resume"), again.err());
        assertArrayEquals(record, Files.readAllBytes(out.resolve("run.json")));
    }

    @Test
    void anEffectiveBatchThatDoesNotDivideIsRefusedWithWhatToDo() {
        var run = Cli.run("train", "--model", "resnet8", "--workers", "3", "--batch", "128", "--epochs", "1");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--batch 128 does not divide over 3 workers") && run.err().contains("129"), run.err());
    }

    @Test
    void aTruncatedModelIsNamedInOneLine(@TempDir Path dir) throws Exception {
        Path model = Files.write(dir.resolve("model.zip"), new byte[] {'P', 'K', 3, 4, 1, 2});
        var run = Cli.run("evaluate", "--model-path", model.toString(), "--dataset", "synthetic", "--train-size", "20");
        assertEquals(3, run.exitCode());
        assertTrue(run.err().strip().matches("Error: \\S*model\\.zip is not a readable model \\(truncated, or not a "
                + "model\\.zip or checkpoint this program wrote\\): .*\\. Give another --model-path\\."), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void aDamagedRecordTheExecutorsFindStopsTrainingBeforeItStartsNamingTheFile(@TempDir Path dir) throws Exception {
        assertEquals(0, Cli.run("generate-data", "--dataset", "cifar10", "--out", dir.toString(),
                "--train", "100", "--test", "10").exitCode());
        try (var file = new java.io.RandomAccessFile(dir.resolve("data_batch_2.bin").toFile(), "rw")) {
            file.seek(5L * 3073);   // the label byte of record 5: only reading the records finds it
            file.write(200);
        }
        var run = Cli.run("train", "--model", "resnet8", "--dataset", "cifar10", "--data", dir.toString(),
                "--workers", "2", "--batch-per-worker", "8", "--epochs", "1", "--out", dir.resolve("run").toString());
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().strip().matches("Error: \\S*data_batch_2\\.bin: record 5 has label 200, but CIFAR-10 "
                + "labels are 0 to 9\\..*"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(run.out().contains("epoch 1/1"), run.out());
    }

    @Test
    void evaluateSaysWhatIsMissing(@TempDir Path dir) {
        var run = Cli.run("evaluate", "--model-path", dir.resolve("nothing").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("does not exist"), run.err());
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
