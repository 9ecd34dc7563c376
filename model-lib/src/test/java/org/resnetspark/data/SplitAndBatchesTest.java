package org.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

class SplitAndBatchesTest {

    /** Image i is filled with the byte i, so any output pixel says which image it came from. */
    static ImageSet numberedImages(int count) {
        byte[] pixels = new byte[count * 3072];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            Arrays.fill(pixels, i * 3072, (i + 1) * 3072, (byte) i);
            labels[i] = i % 10;
        }
        return new ImageSet(InputShape.CIFAR, 10, pixels, labels);
    }

    private static Set<Integer> ids(ImageSet images) {
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < images.size(); i++) {
            ids.add(images.pixels()[images.offset(i)] & 0xff);
        }
        return ids;
    }

    @Test
    void theSplitIsDisjointCompleteAndDeterministicPerSeed() {
        ImageSet all = numberedImages(200);
        TrainValidationSplit split = TrainValidationSplit.of(all, 20, 1);
        TrainValidationSplit again = TrainValidationSplit.of(all, 20, 1);
        TrainValidationSplit otherSeed = TrainValidationSplit.of(all, 20, 2);

        assertEquals(180, split.train().size());
        assertEquals(20, split.validation().size());
        Set<Integer> union = new HashSet<>(ids(split.train()));
        union.addAll(ids(split.validation()));
        assertEquals(200, union.size());
        assertEquals(ids(split.validation()), ids(again.validation()));
        assertFalse(ids(split.validation()).equals(ids(otherSeed.validation())));
        // Not just the last images of the files.
        assertTrue(ids(split.validation()).stream().anyMatch(id -> id < 180), ids(split.validation()).toString());
    }

    @Test
    void validationSizeZeroTrainsOnEverything() {
        ImageSet all = numberedImages(30);
        TrainValidationSplit split = TrainValidationSplit.of(all, 0, 1);
        assertSame(all, split.train());
        assertEquals(0, split.validation().size());
    }

    @Test
    void anEpochHasEveryTrainingImageOnceInAnOrderThatChangesEveryEpoch() {
        ImageSet images = numberedImages(100);
        Normalization none = Normalization.fit(Normalization.Mode.NONE, images);
        List<Integer> epoch0 = centreIds(Batches.epoch(images, none, Augmentation.paper(true), 32, 5, 0));
        List<Integer> epoch1 = centreIds(Batches.epoch(images, none, Augmentation.paper(true), 32, 5, 1));

        assertEquals(100, epoch0.size());
        assertEquals(100, new HashSet<>(epoch0).size());
        assertEquals(new HashSet<>(epoch0), new HashSet<>(epoch1));
        assertFalse(epoch0.equals(epoch1));
    }

    @Test
    void batchesKeptTogetherAreIndependentOfTheReusedBuilderArrays() {
        ImageSet images = numberedImages(100);
        Normalization none = Normalization.fit(Normalization.Mode.NONE, images);
        List<DataSet> kept = new ArrayList<>();
        Batches.epoch(images, none, Augmentation.paper(true), 32, 5, 0).forEachRemaining(kept::add);

        // Each batch must hold its own images and exactly one label each, whatever came after it.
        List<Integer> ids = centreIds(kept.iterator());
        assertEquals(100, new HashSet<>(ids).size());
        for (DataSet batch : kept) {
            assertEquals(batch.numExamples(), batch.getLabels().sumNumber().intValue());
        }
    }

    private static List<Integer> centreIds(java.util.Iterator<DataSet> batches) {
        List<Integer> ids = new ArrayList<>();
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            for (int n = 0; n < batch.numExamples(); n++) {
                int id = Math.round(batch.getFeatures().getFloat(n, 0, 16, 16) * 255);
                ids.add(id);
                assertEquals(1f, batch.getLabels().getFloat(n, id % 10), "label of image " + id);
            }
        }
        return ids;
    }

    @Test
    void thePaperProtocolOnSyntheticCifarFiles(@TempDir Path dir) throws Exception {
        SyntheticDatasets.writeFiles(Dataset.CIFAR10, dir, 100, 20, 1, false);
        DataFolder folder = TestData.folder(dir);
        PreparedData data = PreparedData.of("cifar10", Dataset.CIFAR10.read(folder, Dataset.Split.TRAIN),
                Dataset.CIFAR10.read(folder, Dataset.Split.TEST), 10, Normalization.Mode.PIXEL_MEAN,
                Augmentation.paper(true), 42);

        assertEquals(90, data.train().size());
        assertEquals(10, data.validation().size());
        assertEquals(20, data.test().size());
        assertEquals("cifar10: 90 training, 10 validation, 20 test images of 3x32x32, 10 classes; normalization "
                + "pixel-mean; augmentation pad 4 + random crop + flip", data.summary());
        // The statistics come from the training split only.
        assertArrayEquals(Normalization.fit(Normalization.Mode.PIXEL_MEAN, data.train()).toString().getBytes(),
                data.normalization().toString().getBytes());
        assertEquals(Normalization.fit(Normalization.Mode.PIXEL_MEAN, data.train()).mean(100),
                data.normalization().mean(100));
    }

    @Test
    void thePipelineBenchmarkCountsEveryImage(@TempDir Path dir) throws Exception {
        SyntheticDatasets.writeFiles(Dataset.CIFAR10, dir, 300, 10, 1, false);
        InputPipelineBenchmark.Result result = InputPipelineBenchmark.run(
                Dataset.CIFAR10.source(TestData.folder(dir), Dataset.Split.TRAIN), new org.apache.hadoop.conf.Configuration(),
                Normalization.Mode.PIXEL_MEAN, Augmentation.paper(true), 128, 1, 2);
        assertEquals(300, result.images());
        assertTrue(result.decodeSeconds() > 0 && result.batchSeconds() > 0, result.toString());
    }
}
