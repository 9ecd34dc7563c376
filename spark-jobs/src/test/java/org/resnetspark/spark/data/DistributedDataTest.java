package org.resnetspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnetspark.data.Augmentation;
import org.resnetspark.data.BadInputException;
import org.resnetspark.data.DataFolder;
import org.resnetspark.data.Dataset;
import org.resnetspark.data.ImageSet;
import org.resnetspark.data.ImageSource;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.NumpyDatasetFiles;
import org.resnetspark.data.NumpyDatasetFiles.Writer;
import org.resnetspark.data.Normalization;
import org.resnetspark.data.PreparedData;
import org.resnetspark.data.SyntheticDatasets;
import org.resnetspark.spark.LocalSpark;

/**
 * The executors read the dataset files in parts and split, number and normalise them exactly as
 * the in-process protocol ({@link PreparedData}, which reads whole files on one machine) does: the
 * same images under the same numbers give the same shuffles, augmentations, batches and losses.
 */
class DistributedDataTest {

    private static JavaSparkContext sc;

    @BeforeAll
    static void startSpark() {
        sc = LocalSpark.start("distributed data");
    }

    @AfterAll
    static void stopSpark() {
        sc.close();
    }

    private static List<Example> sorted(Examples examples) {
        List<Example> list = examples.rdd().collect().stream()
                .sorted(Comparator.comparingLong(Example::index)).toList();
        assertEquals(examples.count(), list.size(), "count known on the driver = examples read");
        return list;
    }

    private static void assertSameImages(ImageSet expected, Examples actual) {
        List<Example> examples = sorted(actual);
        for (int i = 0; i < expected.size(); i++) {
            Example e = examples.get(i);
            assertEquals(i, e.index());
            assertEquals(expected.label(i), e.label(), "label of image " + i);
            assertArrayEquals(expected.copyOfImage(i), e.pixels(), "pixels of image " + i);
        }
    }

    @Test
    void cifarFilesReadInPartsGiveTheInProcessSplitNumberingAndStatistics(@TempDir Path dir) throws Exception {
        // 330 images over five files of 66: read parts of about 150 cross file boundaries.
        SyntheticDatasets.writeFiles(Dataset.CIFAR10, dir, 330, 40, 5, false);
        DataFolder folder = DataFolder.at(dir.toString(), new Configuration());
        for (Normalization.Mode mode : List.of(Normalization.Mode.PIXEL_MEAN, Normalization.Mode.CHANNEL_MEAN_STD)) {
            PreparedData expected = PreparedData.of("cifar10", Dataset.CIFAR10.read(folder, Dataset.Split.TRAIN),
                    Dataset.CIFAR10.read(folder, Dataset.Split.TEST), 37, mode, Augmentation.paper(true), 9);
            try (DistributedData actual = DistributedData.of(sc, "cifar10", Dataset.CIFAR10.source(folder, Dataset.Split.TRAIN),
                    Dataset.CIFAR10.source(folder, Dataset.Split.TEST), 37, mode, Augmentation.paper(true), 9)) {
                actual.check();
                assertSameImages(expected.train(), actual.train());
                assertSameImages(expected.validation(), actual.validation());
                assertSameImages(expected.test(), actual.test());
                assertSameImages(expected.train().first(50), actual.train().first(50));
                for (int i = 0; i < 3072; i++) {
                    assertEquals(expected.normalization().mean(i), actual.normalization().mean(i), "mean " + i);
                    assertEquals(expected.normalization().std(i), actual.normalization().std(i), "std " + i);
                }
            }
        }
    }

    @Test
    void idxFilesPlainAndGzipReadInAnyPartsGiveTheWholeFile(@TempDir Path dir) throws Exception {
        for (boolean gzip : List.of(false, true)) {
            Path files = dir.resolve(gzip ? "gzip" : "plain");
            SyntheticDatasets.writeFiles(Dataset.FASHION_MNIST, files, 101, 7, 3, gzip);
            DataFolder folder = DataFolder.at(files.toString(), new Configuration());
            ImageSet whole = Dataset.FASHION_MNIST.read(folder, Dataset.Split.TRAIN);
            ImageSource source = Dataset.FASHION_MNIST.source(folder, Dataset.Split.TRAIN);
            assertSameImages(whole, Examples.read(sc, source, 7));
            assertSameImages(whole.slice(10, 60), Examples.read(sc, source.range(10, 60), 4));
        }
    }

    /**
     * CIFAR's python version: pickles whose images a reader seeks into are cut like binary files;
     * Python 3's protocol 2 text must be decoded from the start, so each file is one part.
     */
    @Test
    void pickledFilesReadInPartsGiveTheWholeFiles(@TempDir Path dir) throws Exception {
        ImageSet images = SyntheticDatasets.images(InputShape.CIFAR, 10, 110, 4);
        for (Writer writer : List.of(Writer.PYTHON3_PROTOCOL3, Writer.PYTHON3_PROTOCOL2)) {
            Path files = dir.resolve(writer.name());
            for (int f = 0; f < 5; f++) {
                NumpyDatasetFiles.write(files.resolve("data_batch_" + (f + 1)), images.slice(20 * f, 20 * (f + 1)),
                        "labels", 0, writer);
            }
            DataFolder folder = DataFolder.at(files.toString(), new Configuration());
            ImageSource source = Dataset.CIFAR10.source(folder, Dataset.Split.TRAIN);
            Examples read = Examples.read(sc, source, 7);

            assertSameImages(images.slice(0, 100), read);
            assertEquals(writer == Writer.PYTHON3_PROTOCOL2 ? 5 : 7, read.rdd().getNumPartitions());
            assertSameImages(images.slice(10, 60), Examples.read(sc, source.range(10, 60), 4));
        }
    }

    @Test
    void aLabelOutOfRangeInAnyFileStopsTheCheckNamingTheFileAndRecord(@TempDir Path dir) throws Exception {
        SyntheticDatasets.writeFiles(Dataset.CIFAR10, dir, 100, 10, 5, false);
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("data_batch_4.bin").toFile(), "rw")) {
            file.seek(3L * 3073);   // the label byte of record 3
            file.write(12);
        }
        DataFolder folder = DataFolder.at(dir.toString(), new Configuration());
        try (DistributedData data = DistributedData.of(sc, "cifar10", Dataset.CIFAR10.source(folder, Dataset.Split.TRAIN),
                Dataset.CIFAR10.source(folder, Dataset.Split.TEST), 10, Normalization.Mode.PIXEL_MEAN,
                Augmentation.NONE, 1)) {
            Exception e = assertThrows(Exception.class, data::check);
            BadInputException cause = causeOf(e);
            assertTrue(cause.getMessage().contains("data_batch_4.bin: record 3 has label 12"), cause.getMessage());
        }
    }

    private static BadInputException causeOf(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BadInputException bad) {
                return bad;
            }
        }
        throw new AssertionError("no BadInputException in the cause chain", e);
    }
}
