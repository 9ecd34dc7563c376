package org.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnetspark.data.FormatsTest.assertSameImages;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.resnetspark.data.NumpyDatasetFiles.Writer;

/**
 * CIFAR's python version and Downsampled ImageNet, read back from pickles and npz files written
 * here as Python 2, Python 3 (protocols 2 to 5) and NumPy write them.
 */
class NumpyDatasetsTest {

    private static final InputShape IMAGENET64 = new InputShape(3, 64, 64);
    private static final List<String> CIFAR10_FILES = List.of("data_batch_1", "data_batch_2", "data_batch_3",
            "data_batch_4", "data_batch_5", "test_batch");

    /** CIFAR-10's python version: {@code count} training images over the five batches, then the test batch. */
    private static ImageSet writeCifar10(Path dir, int train, int test, Writer writer) throws Exception {
        ImageSet all = SyntheticDatasets.images(InputShape.CIFAR, 10, train + test, 3);
        for (int f = 0; f < 5; f++) {
            String name = CIFAR10_FILES.get(f) + (writer.npz() ? ".npz" : "");
            NumpyDatasetFiles.write(dir.resolve(name), all.slice(train * f / 5, train * (f + 1) / 5), "labels", 0, writer);
        }
        NumpyDatasetFiles.write(dir.resolve("test_batch" + (writer.npz() ? ".npz" : "")), all.slice(train, train + test),
                "labels", 0, writer);
        return all;
    }

    @ParameterizedTest
    @EnumSource(Writer.class)
    void cifar10PythonVersionReadsAsItsWritersWroteIt(Writer writer, @TempDir Path dir) throws Exception {
        ImageSet all = writeCifar10(dir.resolve("cifar-10-batches-py"), 23, 7, writer);
        DataFolder folder = TestData.folder(dir);

        ImageSource train = Dataset.CIFAR10.source(folder, Dataset.Split.TRAIN);
        assertEquals("CIFAR-10 python version", Dataset.CIFAR10.version(folder));
        assertSameImages(all.slice(0, 23), train.readAll(folder.hadoop()));
        assertSameImages(all.slice(23, 30), Dataset.CIFAR10.read(folder, Dataset.Split.TEST));
        // A part across three files, as an executor reads it.
        assertSameImages(all.slice(3, 15), train.read(3, 12, folder.hadoop()));
    }

    /**
     * Bytes kept as they are are read by seeking to a part (any cut will do); Python 3's protocol 2
     * text and compressed npz entries are decoded from their start, so each file is one part.
     */
    @ParameterizedTest
    @EnumSource(Writer.class)
    void filesAReaderMustDecodeFromTheStartAreOnePartEach(Writer writer, @TempDir Path dir) throws Exception {
        writeCifar10(dir, 500, 10, writer);
        ImageSource train = Dataset.CIFAR10.source(TestData.folder(dir), Dataset.Split.TRAIN);
        boolean whole = writer == Writer.PYTHON3_PROTOCOL2 || writer == Writer.NPZ_COMPRESSED;

        List<long[]> parts = train.parts(50 * 3072, 2);   // 100 images a file, parts of up to 50

        assertEquals(5, train.stretches().size());
        assertEquals(!whole, train.stretches().get(0).cuttable());
        assertEquals(whole ? 5 : 10, parts.size());
        assertEquals(whole ? List.of(0L, 100L, 200L, 300L, 400L) : List.of(0L, 50L, 100L, 150L, 200L),
                parts.stream().limit(5).map(p -> p[0]).toList());
        // Few images: parts that can be cut are cut across files, as CIFAR's binary records are.
        assertEquals(whole ? 5 : 3, train.parts(8 << 20, 3).size());
        assertEquals(500, parts.get(parts.size() - 1)[1]);
    }

    @Test
    void cifar100PythonVersionTakesTheFineLabels(@TempDir Path dir) throws Exception {
        ImageSet all = SyntheticDatasets.images(InputShape.CIFAR, 100, 12, 4);
        NumpyDatasetFiles.write(dir.resolve("cifar-100-python/train"), all.slice(0, 9), "fine_labels", 0,
                Writer.PYTHON3_PROTOCOL3);
        NumpyDatasetFiles.write(dir.resolve("cifar-100-python/test"), all.slice(9, 12), "fine_labels", 0,
                Writer.PYTHON2);

        assertSameImages(all.slice(0, 9), Dataset.CIFAR100.read(TestData.folder(dir), Dataset.Split.TRAIN));
        assertSameImages(all.slice(9, 12), Dataset.CIFAR100.read(TestData.folder(dir), Dataset.Split.TEST));
    }

    @Test
    void aFolderWithBothVersionsIsReadAsBinary(@TempDir Path dir) throws Exception {
        SyntheticDatasets.writeFiles(Dataset.CIFAR10, dir, 10, 2, 1, false);
        writeCifar10(dir, 20, 4, Writer.PYTHON3_PROTOCOL3);

        assertEquals("CIFAR-10 binary version", Dataset.CIFAR10.version(TestData.folder(dir)));
        assertEquals(10, Dataset.CIFAR10.source(TestData.folder(dir), Dataset.Split.TRAIN).size());
    }

    @Test
    void imagenet32ReadsTheFoldersOfItsDownloadsWithLabelsFromZero(@TempDir Path dir) throws Exception {
        ImageSet all = SyntheticDatasets.images(InputShape.CIFAR, 1000, 23, 5);
        for (int b = 1; b <= 10; b++) {
            NumpyDatasetFiles.write(dir.resolve("Imagenet32_train/train_data_batch_" + b),
                    all.slice(2 * (b - 1), 2 * b), "labels", 1, Writer.PYTHON3_PROTOCOL3);
        }
        NumpyDatasetFiles.write(dir.resolve("Imagenet32_val/val_data"), all.slice(20, 23), "labels", 1,
                Writer.PYTHON3_PROTOCOL3);
        DataFolder folder = TestData.folder(dir);

        assertSameImages(all.slice(0, 20), Dataset.IMAGENET32.read(folder, Dataset.Split.TRAIN));
        assertSameImages(all.slice(20, 23), Dataset.IMAGENET32.read(folder, Dataset.Split.TEST));
        assertEquals("Downsampled ImageNet 32x32", Dataset.IMAGENET32.version(folder));
    }

    @ParameterizedTest
    @EnumSource(value = Writer.class, names = {"NPZ", "NPZ_COMPRESSED"})
    void imagenet64ReadsNpzFilesFromItsTwoTrainingParts(Writer writer, @TempDir Path dir) throws Exception {
        ImageSet all = SyntheticDatasets.images(IMAGENET64, 1000, 12, 6);
        for (int b = 1; b <= 10; b++) {
            String part = b <= 5 ? "Imagenet64_train_part1_npz" : "Imagenet64_train_part2_npz";
            NumpyDatasetFiles.write(dir.resolve(part + "/train_data_batch_" + b + ".npz"), all.slice(b - 1, b),
                    "labels", 1, writer);
        }
        NumpyDatasetFiles.write(dir.resolve("Imagenet64_val_npz/val_data.npz"), all.slice(10, 12), "labels", 1, writer);
        DataFolder folder = TestData.folder(dir);

        ImageSource train = Dataset.IMAGENET64.source(folder, Dataset.Split.TRAIN);
        assertSameImages(all.slice(0, 10), train.readAll(folder.hadoop()));
        assertSameImages(all.slice(4, 7), train.read(4, 3, folder.hadoop()));
        assertSameImages(all.slice(10, 12), Dataset.IMAGENET64.read(folder, Dataset.Split.TEST));
    }

    /** Labels pickled as a small NumPy array stay in the pickle and are read with it. */
    @Test
    void labelsMayBeAnIntegerArray(@TempDir Path dir) throws Exception {
        ImageSet images = SyntheticDatasets.images(InputShape.CIFAR, 10, 3, 7);
        List<Long> labels = List.of((long) images.label(0), (long) images.label(1), (long) images.label(2));
        Map<Object, Object> dict = new LinkedHashMap<>();
        dict.put("data", PythonPickler.ndarray("u1", new long[] {3, 3, 32, 32}, images.pixels(), "numpy.core", 4));
        dict.put("labels", PythonPickler.ndarray("i8", new long[] {3}, NumpyDatasetFiles.int64(labels), "numpy.core", 4));
        Files.write(dir.resolve("test_batch"), PythonPickler.python3(dict, 4));

        Map<String, Object> read = NumpyPickle.readDict(dir.resolve("test_batch").toString(), new Configuration());
        assertTrue(((NumpyArray) read.get("labels")).bytes() instanceof NumpyArray.Inline);
        assertSameImages(images, NumpyBatchSource.of("CIFAR-10 python version",
                List.of(TestData.folder(dir).require("test", "test_batch")), InputShape.CIFAR, 10, "labels", 0,
                new Configuration()).readAll(new Configuration()));
    }

    /** Python 3 code that read CIFAR with encoding='bytes' and pickled it again writes bytes keys. */
    @Test
    void bytesKeysAreKeysToo(@TempDir Path dir) throws Exception {
        ImageSet images = SyntheticDatasets.images(InputShape.CIFAR, 10, 2, 8);
        Map<Object, Object> dict = new LinkedHashMap<>();
        dict.put(new PythonPickler.Bytes("data".getBytes()), PythonPickler.ndarray("u1", new long[] {2, 3072},
                images.pixels(), "numpy.core", 3));
        dict.put(new PythonPickler.Bytes("labels".getBytes()), List.of((long) images.label(0), (long) images.label(1)));
        Files.write(dir.resolve("test_batch"), PythonPickler.python3(dict, 3));

        assertSameImages(images, Dataset.CIFAR10.read(TestData.folder(dir), Dataset.Split.TEST));
    }

    @Test
    void aFileThatIsNotAPickleSaysSo(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("test_batch"), new byte[] {(byte) 0x80, 3, (byte) 0xfe, 1, 2, 3});

        BadInputException e = assertThrows(BadInputException.class,
                () -> Dataset.CIFAR10.source(TestData.folder(dir), Dataset.Split.TEST));
        assertMessage(e, "test_batch", "not a pickle of NumPy arrays");
    }

    @Test
    void anImagenetLabelOfZeroIsAnErrorNamingTheFile(@TempDir Path dir) throws Exception {
        ImageSet images = new ImageSet(InputShape.CIFAR, 1000, new byte[2 * 3072], new int[] {5, 0});
        NumpyDatasetFiles.write(dir.resolve("val_data"), images, "labels", 0, Writer.PYTHON3_PROTOCOL4);

        BadInputException e = assertThrows(BadInputException.class,
                () -> Dataset.IMAGENET32.source(TestData.folder(dir), Dataset.Split.TEST));
        assertMessage(e, "val_data", "image 1 has label 0", "labels are 1 to 1000");
    }

    @Test
    void imagenet32FilesAreNotImagenet64(@TempDir Path dir) throws Exception {
        NumpyDatasetFiles.write(dir.resolve("val_data"), SyntheticDatasets.images(InputShape.CIFAR, 1000, 2, 1),
                "labels", 1, Writer.PYTHON3_PROTOCOL3);

        BadInputException e = assertThrows(BadInputException.class,
                () -> Dataset.IMAGENET64.source(TestData.folder(dir), Dataset.Split.TEST));
        assertMessage(e, "val_data", "(2, 3072) array of |u1", "3x64x64", "--dataset");
    }

    @Test
    void aTruncatedPickleIsAnErrorNamingTheFile(@TempDir Path dir) throws Exception {
        writeCifar10(dir, 10, 2, Writer.PYTHON3_PROTOCOL3);
        Path test = dir.resolve("test_batch");
        byte[] bytes = Files.readAllBytes(test);
        Files.write(test, java.util.Arrays.copyOf(bytes, bytes.length - 40));

        BadInputException e = assertThrows(BadInputException.class,
                () -> Dataset.CIFAR10.source(TestData.folder(dir), Dataset.Split.TEST));
        assertMessage(e, "test_batch", "truncated");
    }

    @Test
    void aCifar10FileReadAsCifar100SaysWhatItHolds(@TempDir Path dir) throws Exception {
        NumpyDatasetFiles.write(dir.resolve("train"), SyntheticDatasets.images(InputShape.CIFAR, 10, 2, 1), "labels", 0,
                Writer.PYTHON2);

        BadInputException e = assertThrows(BadInputException.class,
                () -> Dataset.CIFAR100.source(TestData.folder(dir), Dataset.Split.TRAIN));
        assertMessage(e, "train", "no 'fine_labels'", "[batch_label, data, filenames, labels]", "--dataset");
    }

    @Test
    void aMissingBatchNamesTheFoldersLookedIn(@TempDir Path dir) throws Exception {
        for (int b = 1; b <= 10; b++) {
            if (b != 7) {
                NumpyDatasetFiles.write(dir.resolve("Imagenet32_train/train_data_batch_" + b),
                        SyntheticDatasets.images(InputShape.CIFAR, 1000, 1, b), "labels", 1, Writer.PYTHON3_PROTOCOL3);
            }
        }
        BadInputException e = assertThrows(BadInputException.class,
                () -> Dataset.IMAGENET32.source(TestData.folder(dir), Dataset.Split.TRAIN));
        assertMessage(e, "train_data_batch_7 or train_data_batch_7.npz", "Imagenet32_train", "Imagenet32_train/");
    }

    @Test
    void imagenetIsNeverDownloaded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Dataset.IMAGENET64::archive);
        assertMessage(e, "ImageNet account", "Imagenet64_train_part1.zip", "image-net.org", "--data");
    }

    @Test
    void generateDataWritesNoImagenetFiles(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticDatasets.writeFiles(Dataset.IMAGENET32, dir, 10, 2, 1, false));
        assertMessage(e, "imagenet32", "cifar10, cifar100, mnist or fashion-mnist");
    }

    @Test
    void theCacheMayHoldThePythonVersion(@TempDir Path root) throws Exception {
        ImageSet all = writeCifar10(root.resolve("cifar-10-batches-py"), 10, 2, Writer.PYTHON2);
        Files.writeString(root.resolve("cifar-10-batches-py").resolve(DatasetCache.COMPLETE_MARKER), "test\n");
        DatasetCache cache = new DatasetCache(root, true, new PrintStream(OutputStream.nullOutputStream()), 1);

        Path folder = cache.prepare(Dataset.CIFAR10.archives());

        assertEquals(root.resolve("cifar-10-batches-py"), folder);
        assertSameImages(all.slice(0, 10), Dataset.CIFAR10.read(TestData.folder(folder), Dataset.Split.TRAIN));
        // Nothing cached: the binary version is the one asked for.
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> new DatasetCache(root.resolve("empty"), true, System.err, 1).prepare(Dataset.CIFAR100.archives()));
        assertMessage(missing, "cifar-100-binary.tar.gz");
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }
}
