package org.resnetspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.resnetspark.data.ImageTrees;
import org.resnetspark.jobs.Cli;
import org.resnetspark.jobs.Cli.Run;

/** train and evaluate on folders of PNG and JPEG images, one subfolder per class, as a user runs them. */
@ExtendWith(Cli.LocalSpark.class)
class TrainOnImageFoldersTest {

    private static final List<String> CLASSES = List.of("red", "green", "blue");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path file) throws Exception {
        return new ObjectMapper().readValue(file.toFile(), Map.class);
    }

    @Test
    void trainsOnTrainAndTestTreesAndEvaluatesTheRun(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("images");
        ImageTrees.writeTree(data.resolve("train"), CLASSES, 16, 8, 8, "png");
        ImageTrees.writeTree(data.resolve("test"), CLASSES, 4, 8, 8, "jpg");
        Path run = dir.resolve("run");

        Run train = Cli.run("train", "--model", "resnet8", "--dataset", "folder", "--data", data.toUri().toString(),
                "--workers", "2", "--batch", "16", "--epochs", "2", "--val-size", "6", "--out", run.toString());

        assertEquals(0, train.exitCode(), train.out() + train.err());
        assertTrue(train.out().contains("found 48 training and 12 test images in file:" + data + ": train/<class>/ for "
                + "training, test/<class>/ as the test split; 3 classes; images of 8x8 (the first training image's size)"),
                train.out());
        assertTrue(train.out().contains("folder: 42 training, 6 validation, 12 test images of 3x8x8, 3 classes;"), train.out());
        assertTrue(train.out().matches("(?s).*epoch 2/2, .*validation error [0-9.]+%.*test error [0-9.]+% on 12 images.*"),
                train.out());
        assertEquals(3, ((List<?>) json(run.resolve("eval.json")).get("per_class_accuracy")).size());
        // The classes by name, in label order (their folders' sorted order), for the confusion matrix's rows.
        List<String> labelOrder = List.of("blue", "green", "red");
        assertEquals(labelOrder, json(run.resolve("run.json")).get("class_names"));
        assertEquals(labelOrder, json(run.resolve("eval.json")).get("class_names"));

        // No --dataset: the run's folder and seed, from run.json.
        Run evaluate = Cli.run("evaluate", "--model-path", run.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.out() + evaluate.err());
        Map<String, Object> eval = json(run.resolve("eval.json"));
        assertEquals(12, eval.get("images"));
        assertEquals("folder", eval.get("dataset"));
        assertEquals(labelOrder, eval.get("class_names"));
    }

    @Test
    void anImageOfAnotherSizeStopsTheJobBeforeTrainingUnlessResized(@TempDir Path dir) {
        Path data = dir.resolve("images");
        ImageTrees.writeTree(data, CLASSES, 8, 8, 8, "png");   // one tree: a tenth is held out for testing
        Path odd = ImageTrees.write(data.resolve("blue/odd.png"), 12, 10, 0x2040E0);
        String[] train = {"train", "--model", "resnet8", "--dataset", "folder", "--data", data.toString(), "--workers", "2",
                "--batch", "8", "--epochs", "1", "--val-size", "2"};

        Run refused = Cli.run(concat(train, "--out", dir.resolve("refused").toString()));

        assertEquals(3, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().startsWith("Error: "), refused.err());
        assertTrue(refused.err().contains(odd + " is 12x10 (height x width), but the images of "), refused.err());
        assertTrue(refused.err().contains("Give --resize HxW to resample every image to one size, or remove the file."),
                refused.err());
        assertFalse(refused.out().contains("epoch 1/"), refused.out());

        Run resized = Cli.run(concat(train, "--resize", "8x8", "--out", dir.resolve("resized").toString()));

        assertEquals(0, resized.exitCode(), resized.out() + resized.err());
        assertTrue(resized.out().contains("found 23 training and 2 test images in file:" + data + ": one tree of class "
                + "folders (no train/ folder): 2 of its 25 images (a tenth) held out with seed 42 as the test split; "
                + "3 classes; every image resized to 8x8, bilinear"), resized.out());
        assertTrue(resized.out().matches("(?s).*test error [0-9.]+% on 2 images.*"), resized.out());
        // evaluate reads the images as the run did, resized (run.json records --resize).
        Run evaluate = Cli.run("evaluate", "--model-path", dir.resolve("resized").toString());
        assertEquals(0, evaluate.exitCode(), evaluate.out() + evaluate.err());

        Run notAFolder = Cli.run("train", "--model", "resnet8", "--dataset", "cifar10", "--resize", "8", "--offline");
        assertEquals(2, notAFolder.exitCode());
        assertEquals("Error: --resize is for --dataset folder: cifar10 has images of one size.", notAFolder.err().strip());
        // benchmark decodes the folder's images as the executors do, and trains on them at their size.
        Run benchmark = Cli.run("benchmark", "--model", "resnet8", "--dataset", "folder", "--data", data.toString(),
                "--resize", "8x8", "--batch", "4", "--warmup-steps", "1", "--iterations", "2", "--json");
        assertEquals(0, benchmark.exitCode(), benchmark.out() + benchmark.err());
        assertTrue(benchmark.out().matches("(?s).*\\{\"model\":\"resnet8\".*\"dataset\":\"folder\",\"pipeline_images\":23,.*"),
                benchmark.out());
    }

    private static String[] concat(String[] a, String... b) {
        String[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
