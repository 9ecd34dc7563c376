package org.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Each bad input stops with a message naming the file, what is wrong, and what to do. */
class BadInputTest {

    @TempDir
    Path dir;

    /** A bad file: a {@link BadInputException}, which the command line reports with its own exit code. */
    static void assertMessage(Executable read, String... parts) {
        assertParts(assertThrows(BadInputException.class, read), parts);
    }

    /** A bad option value, not a bad file. */
    static void assertUsageMessage(Executable read, String... parts) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, read);
        assertFalse(error instanceof BadInputException, error.toString());
        assertParts(error, parts);
    }

    private static void assertParts(IllegalArgumentException error, String... parts) {
        for (String part : parts) {
            assertTrue(error.getMessage().contains(part), "'" + part + "' not in: " + error.getMessage());
        }
    }

    private ImageSet read(Dataset dataset) throws IOException {
        return dataset.read(TestData.folder(dir), Dataset.Split.TRAIN);
    }

    private void writeMnist(int train) throws IOException {
        SyntheticDatasets.writeFiles(Dataset.MNIST, dir, train, 2, 7, false);
    }

    private static byte[] idxHeader(int magic, int... counts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int c : counts) {
            out.writeInt(c);
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void aMissingFileIsNamedWithTheFolderAndWhatItHolds() throws Exception {
        SyntheticDatasets.writeFiles(Dataset.CIFAR10, dir, 10, 2, 1, false);
        Files.delete(dir.resolve("data_batch_3.bin"));
        assertMessage(() -> read(Dataset.CIFAR10), "Missing cifar10 train data", "data_batch_3.bin", dir.getFileName().toString(),
                "data_batch_1.bin", "--data");
    }

    @Test
    void aDatasetFileGivenAsTheFolderIsNamedWithTheFolderToGive() throws Exception {
        SyntheticDatasets.writeFiles(Dataset.CIFAR10, dir, 10, 2, 1, false);
        assertMessage(() -> DataFolder.at(dir.resolve("data_batch_1.bin").toString(), new org.apache.hadoop.conf.Configuration()),
                "data_batch_1.bin is a file: give the folder that holds the dataset's files", dir.getFileName().toString());
    }

    @Test
    void aMissingFolderSaysSo() {
        dir = dir.resolve("nothing-here");
        assertMessage(() -> read(Dataset.MNIST), "train-images-idx3-ubyte or train-images-idx3-ubyte.gz",
                "the folder does not exist");
    }

    @Test
    void aPartialCifarRecordIsAnError() throws Exception {
        SyntheticDatasets.writeFiles(Dataset.CIFAR10, dir, 10, 2, 1, false);
        Path file = dir.resolve("data_batch_2.bin");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        assertMessage(() -> read(Dataset.CIFAR10), "data_batch_2.bin", "not a whole number of CIFAR-10 records of 3073 bytes",
                "1 records and 2973 bytes of a partial one", "truncated");
    }

    @Test
    void anEmptyCifarFileIsAnError() throws Exception {
        Files.write(dir.resolve("test_batch.bin"), new byte[0]);
        assertMessage(() -> Dataset.CIFAR10.read(TestData.folder(dir), Dataset.Split.TEST), "test_batch.bin", "the file is empty");
    }

    @Test
    void aCifar10LabelOutOfRangeSuggestsCifar100() throws Exception {
        byte[] records = new byte[2 * 3073];
        records[3073] = 10;
        Files.write(dir.resolve("test_batch.bin"), records);
        assertMessage(() -> Dataset.CIFAR10.read(TestData.folder(dir), Dataset.Split.TEST), "test_batch.bin",
                "record 1 has label 10", "0 to 9", "--dataset cifar100");
    }

    @Test
    void aCifar100CoarseLabelOutOfRangeSuggestsCifar10() throws Exception {
        byte[] record = new byte[3074];
        record[0] = 20;
        record[1] = 99;
        Files.write(dir.resolve("test.bin"), record);
        assertMessage(() -> Dataset.CIFAR100.read(TestData.folder(dir), Dataset.Split.TEST), "test.bin",
                "coarse label 20", "--dataset cifar10");
    }

    @Test
    void aBadIdxMagicNumberIsAnError() throws Exception {
        writeMnist(3);
        // The label file where the image file should be.
        Files.copy(dir.resolve("train-labels-idx1-ubyte"), dir.resolve("train-images-idx3-ubyte"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertMessage(() -> read(Dataset.MNIST), "train-images-idx3-ubyte", "not an IDX image file",
                "magic number 0x00000801, expected 0x00000803");
    }

    @Test
    void aBadIdxLabelMagicNumberIsAnError() throws Exception {
        writeMnist(3);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), concat(idxHeader(0x12345678, 3), new byte[3]));
        assertMessage(() -> read(Dataset.MNIST), "train-labels-idx1-ubyte", "not an IDX label file", "0x12345678");
    }

    @Test
    void imagesOfTheWrongSizeAreAnError() throws Exception {
        writeMnist(3);
        Files.write(dir.resolve("train-images-idx3-ubyte"), concat(idxHeader(0x803, 3, 32, 32), new byte[3 * 1024]));
        assertMessage(() -> read(Dataset.MNIST), "train-images-idx3-ubyte", "images are 32x32", "1x28x28", "--dataset");
    }

    @Test
    void aTruncatedIdxFileIsAnError() throws Exception {
        writeMnist(3);
        Files.write(dir.resolve("train-images-idx3-ubyte"), concat(idxHeader(0x803, 3, 28, 28), new byte[2 * 784 + 5]));
        assertMessage(() -> read(Dataset.MNIST), "train-images-idx3-ubyte", "ends before the 3 images", "truncated");
    }

    @Test
    void aTruncatedGzipIdxFileIsAnError() throws Exception {
        SyntheticDatasets.writeFiles(Dataset.MNIST, dir, 20, 2, 7, true);
        Path file = dir.resolve("train-images-idx3-ubyte.gz");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        assertMessage(() -> read(Dataset.MNIST), "train-images-idx3-ubyte.gz", "ends before the 20 images", "truncated");
    }

    @Test
    void aGzipIdxFileWithADamagedChecksumOrBlockIsNamed() throws Exception {
        SyntheticDatasets.writeFiles(Dataset.MNIST, dir, 20, 2, 7, true);
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[bytes.length - 8] ^= 0x55;   // the CRC-32 of the trailer
        Files.write(labels, bytes);
        assertMessage(() -> read(Dataset.MNIST), "train-labels-idx1-ubyte.gz", "gzip data is damaged",
                "Corrupt GZIP trailer", "Download the file again");

        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        bytes = Files.readAllBytes(images);
        bytes[10] = (byte) 0xff;   // the first deflate block's header: block type 3 does not exist
        Files.write(images, bytes);
        assertMessage(() -> read(Dataset.MNIST), "train-images-idx3-ubyte.gz", "gzip data is damaged",
                "invalid block type");
    }

    @Test
    void anIdxFileCutInsideItsHeaderIsAnError() throws Exception {
        writeMnist(3);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8});
        assertMessage(() -> read(Dataset.MNIST), "train-labels-idx1-ubyte", "ends inside its IDX header");
    }

    @Test
    void dataAfterTheAnnouncedImagesIsAnError() throws Exception {
        writeMnist(3);
        Files.write(dir.resolve("train-images-idx3-ubyte"), concat(idxHeader(0x803, 2, 28, 28), new byte[3 * 784]));
        assertMessage(() -> read(Dataset.MNIST), "train-images-idx3-ubyte", "more data follows the 2 images");
    }

    @Test
    void anIdxLabelOutOfRangeIsAnError() throws Exception {
        writeMnist(3);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), concat(idxHeader(0x801, 3), new byte[] {1, 12, 3}));
        assertMessage(() -> read(Dataset.MNIST), "train-labels-idx1-ubyte", "label 1 is 12", "0 to 9");
    }

    @Test
    void imageAndLabelCountsMustAgree() throws Exception {
        writeMnist(3);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), concat(idxHeader(0x801, 2), new byte[] {1, 2}));
        assertMessage(() -> read(Dataset.MNIST), "train-images-idx3-ubyte holds 3 images", "train-labels-idx1-ubyte holds 2 labels",
                "same set");
    }

    @Test
    void aValidationSetAsLargeAsTheTrainingFilesIsAnError() {
        ImageSet images = SyntheticDatasets.images(InputShape.MNIST, 10, 5, 1);
        assertUsageMessage(() -> TrainValidationSplit.of(images, 5, 1), "--val-size 5", "between 0 and 4", "hold 5 images");
    }

    @Test
    void mnistIsNotDownloaded() {
        assertUsageMessage(() -> Dataset.MNIST.archive(), "--data", "/usr/share/datasets/fashion-mnist");
    }
}
