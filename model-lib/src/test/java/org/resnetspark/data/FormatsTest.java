package org.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every official format, read back from files written here in that format. */
class FormatsTest {

    static void assertSameImages(ImageSet expected, ImageSet actual) {
        assertEquals(expected.shape(), actual.shape());
        assertEquals(expected.numClasses(), actual.numClasses());
        assertEquals(expected.size(), actual.size());
        assertArrayEquals(expected.pixels(), actual.pixels());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.label(i), actual.label(i), "label " + i);
        }
    }

    @Test
    void cifar10ReadsItsFiveBatchesAndTestBatch(@TempDir Path dir) throws Exception {
        List<Path> files = SyntheticDatasets.writeFiles(Dataset.CIFAR10, dir, 23, 7, 1, false);
        ImageSet all = SyntheticDatasets.images(InputShape.CIFAR, 10, 30, 1);

        assertEquals(6, files.size());
        // 23 images over five files: not the official 10000 each, but whole records, so accepted.
        assertEquals(4 * 3073, Files.size(dir.resolve("data_batch_1.bin")));
        assertSameImages(all.slice(0, 23), Dataset.CIFAR10.read(TestData.folder(dir), Dataset.Split.TRAIN));
        assertSameImages(all.slice(23, 30), Dataset.CIFAR10.read(TestData.folder(dir), Dataset.Split.TEST));
    }

    @Test
    void cifar10RecordsAreLabelThenRedGreenBluePlanes(@TempDir Path dir) throws Exception {
        byte[] record = new byte[3073];
        record[0] = 7;
        record[1] = 11;           // red (0, 0)
        record[1 + 1024] = 22;    // green (0, 0)
        record[1 + 2048 + 33] = 33; // blue (1, 1)
        Files.write(dir.resolve("test_batch.bin"), record);

        ImageSet read = CifarBinary.CIFAR10.read(TestData.folder(dir).require("test", "test_batch.bin"));

        assertEquals(7, read.label(0));
        assertEquals(11, read.pixels()[0]);
        assertEquals(22, read.pixels()[1024]);
        assertEquals(33, read.pixels()[2048 + 32 + 1]);
    }

    @Test
    void cifar100UsesTheFineLabelOfItsTwoLabelBytes(@TempDir Path dir) throws Exception {
        SyntheticDatasets.writeFiles(Dataset.CIFAR100, dir, 40, 5, 2, false);
        ImageSet all = SyntheticDatasets.images(InputShape.CIFAR, 100, 45, 2);

        assertEquals(40 * 3074, Files.size(dir.resolve("train.bin")));
        byte[] firstRecord = Files.readAllBytes(dir.resolve("train.bin"));
        assertEquals(all.label(0) / 5, firstRecord[0]);
        assertEquals(all.label(0), firstRecord[1]);
        assertSameImages(all.slice(0, 40), Dataset.CIFAR100.read(TestData.folder(dir), Dataset.Split.TRAIN));
        assertSameImages(all.slice(40, 45), Dataset.CIFAR100.read(TestData.folder(dir), Dataset.Split.TEST));
    }

    @Test
    void mnistReadsPlainIdx(@TempDir Path dir) throws Exception {
        SyntheticDatasets.writeFiles(Dataset.MNIST, dir, 12, 4, 3, false);
        ImageSet all = SyntheticDatasets.images(InputShape.MNIST, 10, 16, 3);

        assertEquals(16 + 12 * 784, Files.size(dir.resolve("train-images-idx3-ubyte")));
        assertSameImages(all.slice(0, 12), Dataset.MNIST.read(TestData.folder(dir), Dataset.Split.TRAIN));
        assertSameImages(all.slice(12, 16), Dataset.MNIST.read(TestData.folder(dir), Dataset.Split.TEST));
    }

    @Test
    void fashionMnistReadsGzipIdxThroughAFileUri(@TempDir Path dir) throws Exception {
        SyntheticDatasets.writeFiles(Dataset.FASHION_MNIST, dir, 9, 3, 4, true);
        ImageSet all = SyntheticDatasets.images(InputShape.MNIST, 10, 12, 4);

        Path gz = dir.resolve("t10k-labels-idx1-ubyte.gz");
        try (var in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertEquals(8 + 3, in.readAllBytes().length);
        }
        DataFolder folder = TestData.folder(dir.toUri().toString());
        assertTrue(folder.uri().startsWith("file:"), folder.uri());
        assertSameImages(all.slice(0, 9), Dataset.FASHION_MNIST.read(folder, Dataset.Split.TRAIN));
        assertSameImages(all.slice(9, 12), Dataset.FASHION_MNIST.read(folder, Dataset.Split.TEST));
    }

    @Test
    void aGzipFileIsRecognisedByItsContentNotItsName(@TempDir Path dir) throws Exception {
        SyntheticDatasets.writeFiles(Dataset.MNIST, dir, 5, 2, 5, true);
        for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte")) {
            Files.move(dir.resolve(name + ".gz"), dir.resolve(name));
        }
        assertEquals(5, Dataset.MNIST.read(TestData.folder(dir), Dataset.Split.TRAIN).size());
    }

    @Test
    void aFolderHoldingTheArchivesTopFolderIsFoundToo(@TempDir Path dir) throws Exception {
        SyntheticDatasets.writeFiles(Dataset.CIFAR10, dir.resolve("cifar-10-batches-bin"), 10, 2, 6, false);
        assertEquals(10, Dataset.CIFAR10.read(TestData.folder(dir), Dataset.Split.TRAIN).size());
    }

    @Test
    void datasetNamesParseAndUnknownOnesListTheAcceptedNames() {
        assertEquals(Dataset.FASHION_MNIST, Dataset.parse("Fashion-MNIST"));
        var error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Dataset.parse("svhn"));
        assertEquals("Unknown dataset 'svhn'. Accepted: cifar10, cifar100, mnist, fashion-mnist, imagenet32, imagenet64", error.getMessage());
    }
}
