package org.resnetspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.resnetspark.data.ImageSet;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.Normalization;
import org.resnetspark.data.NumpyDatasetFiles;
import org.resnetspark.data.SyntheticDatasets;
import org.junit.jupiter.api.extension.ExtendWith;
import org.resnetspark.jobs.Cli;
import org.resnetspark.jobs.Cli.Run;

/** The train, benchmark and generate-data commands on dataset files, as a user runs them (in this JVM). */
@ExtendWith(Cli.LocalSpark.class)
class TrainOnDatasetFilesTest {

    @Test
    void trainsOnGeneratedFashionMnistFilesAndSavesTheNormalisationInTheModel(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("fashion");
        Run generated = Cli.run("generate-data", "--dataset", "fashion-mnist", "--out", data.toString(),
                "--train", "120", "--test", "20", "--gzip");
        assertEquals(0, generated.exitCode(), generated.err());
        assertTrue(Files.exists(data.resolve("train-images-idx3-ubyte.gz")), generated.out());

        Path out = dir.resolve("run");
        Run run = Cli.run("train", "--model", "resnet8", "--dataset", "fashion-mnist", "--data", data.toUri().toString(),
                "--workers", "2", "--batch-per-worker", "16", "--epochs", "1", "--val-size", "20",
                "--normalization", "channel-mean-std", "--out", out.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("found 120 training and 20 test images of fashion-mnist"), run.out());
        assertTrue(run.out().contains("fashion-mnist: 100 training, 20 validation, 20 test images of 1x28x28, 10 classes;"
                + " normalization channel-mean-std"), run.out());
        assertTrue(run.out().contains("augmentation pad 4 + random crop + flip"), run.out());
        assertTrue(run.out().matches("(?s).*epoch 1/1, iteration 4/4, .*validation error [0-9.]+%.*"), run.out());
        var restored = ModelSerializer.restoreComputationGraphAndNormalizer(out.resolve("model.zip").toFile(), false);
        // A network for 28x28 grey images, 10 classes.
        assertArrayEquals(new long[] {1, 10},
                restored.getFirst().outputSingle(Nd4j.zeros(DataType.FLOAT, 1, 1, 28, 28)).shape());
        Normalization normalization = assertInstanceOf(Normalization.class, restored.getSecond());
        assertEquals(Normalization.Mode.CHANNEL_MEAN_STD, normalization.mode());
    }

    /** Downsampled ImageNet as its pickles come (labels 1 to 1000), in the folders its downloads unzip to. */
    @Test
    void trainsOnImagenet32PicklesWithAThousandClasses(@TempDir Path dir) throws Exception {
        ImageSet images = SyntheticDatasets.images(InputShape.CIFAR, 1000, 36, 2);
        for (int b = 1; b <= 10; b++) {
            NumpyDatasetFiles.write(dir.resolve("Imagenet32_train/train_data_batch_" + b),
                    images.slice(3 * (b - 1), 3 * b), "labels", 1, NumpyDatasetFiles.Writer.PYTHON3_PROTOCOL3);
        }
        NumpyDatasetFiles.write(dir.resolve("Imagenet32_val/val_data"), images.slice(30, 36), "labels", 1,
                NumpyDatasetFiles.Writer.PYTHON3_PROTOCOL3);

        Path out = dir.resolve("run");
        Run run = Cli.run("train", "--model", "resnet8", "--dataset", "imagenet32", "--data", dir.toString(),
                "--workers", "2", "--batch-per-worker", "4", "--epochs", "1", "--val-size", "6", "--out", out.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("found 30 training and 6 test images of imagenet32 (Downsampled ImageNet 32x32)"),
                run.out());
        assertTrue(run.out().contains("imagenet32: 24 training, 6 validation, 6 test images of 3x32x32, 1000 classes"),
                run.out());
        assertTrue(run.out().contains("test error "), run.out());
        var restored = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        assertArrayEquals(new long[] {1, 1000}, restored.outputSingle(Nd4j.zeros(DataType.FLOAT, 1, 3, 32, 32)).shape());
    }

    @Test
    void imagenetNeedsData(@TempDir Path dir) {
        Run run = Cli.run("train", "--model", "resnet8", "--dataset", "imagenet64", "--cache-dir", dir.toString());

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("ImageNet account"), run.err());
        assertTrue(run.err().contains("pass it as --data"), run.err());
    }

    @Test
    void digitsAreNotFlippedAndValSizeZeroTrainsOnEveryImage(@TempDir Path dir) {
        assertEquals(0, Cli.run("generate-data", "--dataset", "mnist", "--out", dir.toString(), "--train", "64",
                "--test", "8").exitCode());

        Run run = Cli.run("train", "--model", "resnet8", "--dataset", "mnist", "--data", dir.toString(), "--workers", "2",
                "--batch-per-worker", "16", "--epochs", "1", "--val-size", "0", "--out", dir.resolve("run").toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("mnist: 64 training, 0 validation, 8 test images of 1x28x28, 10 classes; "
                + "normalization pixel-mean; augmentation pad 4 + random crop" + System.lineSeparator()), run.out());
        assertTrue(run.out().matches("(?s).*epoch 1/1, iteration 2/2, .*train error [0-9.]+%, [0-9.]+ images/s.*"), run.out());
        assertTrue(!run.out().contains("validation error"), run.out());
    }

    @Test
    void aBadDataFileStopsTheJobBeforeTrainingWithOneLine(@TempDir Path dir) throws Exception {
        assertEquals(0, Cli.run("generate-data", "--dataset", "cifar10", "--out", dir.toString(), "--train", "10",
                "--test", "2").exitCode());
        Files.write(dir.resolve("data_batch_4.bin"), new byte[100]);

        Run run = Cli.run("train", "--model", "resnet8", "--dataset", "cifar10", "--data", dir.toString(), "--epochs", "1",
                "--out", dir.resolve("run").toString());

        assertEquals(3, run.exitCode());
        assertTrue(run.err().startsWith("Error: "), run.err());
        assertTrue(run.err().contains("data_batch_4.bin: 100 bytes is not a whole number of CIFAR-10 records"), run.err());
        assertTrue(!run.out().contains("epoch 1/"), run.out());
    }

    @Test
    void offlineWithAnEmptyCacheSaysWhatToDo(@TempDir Path dir) {
        Run run = Cli.run("train", "--model", "resnet8", "--dataset", "cifar100", "--offline", "--cache-dir", dir.toString());

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("No cifar-100-binary.tar.gz in the dataset cache " + dir), run.err());
        assertTrue(run.err().contains("03b5dce01913d631647c71ecec9e9cb8"), run.err());
    }

    @Test
    void benchmarkReportsThePipelineNextToTraining() {
        Run run = Cli.run("benchmark", "--model", "resnet8", "--batch", "8", "--warmup-steps", "1", "--iterations", "2",
                "--train-size", "500", "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().matches("(?s).*\"dataset\":\"cifar10\",\"pipeline_images\":500,"
                + "\"pipeline_images_per_second\":[0-9]+,\"pipeline_epoch_images_per_second\":[0-9]+,"
                + "\"pipeline_to_training\":[0-9.]+.*"), run.out());
    }
}
