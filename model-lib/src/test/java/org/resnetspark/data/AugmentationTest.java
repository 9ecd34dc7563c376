package org.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Pad-and-crop plus flip, checked on its output: an image whose pixels encode their own
 * coordinates (channel 0 = row + 1, channel 1 = column + 1) tells, after augmentation, which
 * crop offset and flip were applied and which pixels came from the padding.
 */
class AugmentationTest {

    private static final int N = 4000;

    /** Pixel (y, x) holds y + 1 in channel 0, x + 1 in channel 1, 200 in channel 2. */
    private static ImageSet coordinateImages(InputShape shape, int count) {
        int plane = shape.height() * shape.width();
        byte[] one = new byte[shape.channels() * plane];
        for (int y = 0; y < shape.height(); y++) {
            for (int x = 0; x < shape.width(); x++) {
                one[y * shape.width() + x] = (byte) (y + 1);
                if (shape.channels() > 1) {
                    one[plane + y * shape.width() + x] = (byte) (x + 1);
                    one[2 * plane + y * shape.width() + x] = (byte) 200;
                }
            }
        }
        byte[] pixels = new byte[count * one.length];
        for (int n = 0; n < count; n++) {
            System.arraycopy(one, 0, pixels, n * one.length, one.length);
        }
        return new ImageSet(shape, 10, pixels, new int[count]);
    }

    /** Raw values back from a NONE-normalised output (x / 255). */
    private static int raw(float value) {
        return Math.round(value * 255f);
    }

    record Decoded(int top, int left, boolean flipped, int zeros) {
    }

    /** Recovers the crop and flip of one augmented CIFAR image and checks every padding pixel is 0. */
    private static Decoded decode(float[] out, int offset) {
        int plane = 32 * 32;
        // The centre is never padding: |shift| <= 4.
        int sourceY = raw(out[offset + 16 * 32 + 16]) - 1;
        int sourceX = raw(out[offset + plane + 16 * 32 + 16]) - 1;
        int nextX = raw(out[offset + plane + 16 * 32 + 17]) - 1;
        boolean flipped = nextX < sourceX;
        int top = sourceY - 16 + 4;
        int left = (flipped ? sourceX - (31 - 16) : sourceX - 16) + 4;
        int zeros = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int fromY = y + top - 4;
                    int fromX = (flipped ? 31 - x : x) + left - 4;
                    float value = out[offset + c * plane + y * 32 + x];
                    boolean padding = fromY < 0 || fromY > 31 || fromX < 0 || fromX > 31;
                    if (padding) {
                        assertEquals(0f, value, "padding pixel " + c + "," + y + "," + x);
                        zeros++;
                    } else {
                        int expected = c == 0 ? fromY + 1 : c == 1 ? fromX + 1 : 200;
                        assertEquals(expected, raw(value), "pixel " + c + "," + y + "," + x);
                    }
                }
            }
        }
        return new Decoded(top, left, flipped, zeros);
    }

    private static float[] features(DataSet batch) {
        return batch.getFeatures().dup('c').data().asFloat();
    }

    @Test
    void cropOffsetsSpanAll81PositionsFlipsHalfTheTimeAndPaddingIsZero() {
        ImageSet images = coordinateImages(InputShape.CIFAR, N);
        Normalization none = Normalization.fit(Normalization.Mode.NONE, images);
        Iterator<DataSet> epoch = Batches.epoch(images, none, Augmentation.paper(true), 500, 11, 0);

        int[][] positions = new int[9][9];
        int flips = 0;
        while (epoch.hasNext()) {
            DataSet batch = epoch.next();
            float[] out = features(batch);
            for (int n = 0; n < batch.numExamples(); n++) {
                Decoded d = decode(out, n * 3 * 1024);
                positions[d.top()][d.left()]++;
                flips += d.flipped() ? 1 : 0;
                int paddedRows = Math.abs(d.top() - 4);
                int paddedColumns = Math.abs(d.left() - 4);
                assertEquals(3 * (32 * 32 - (32 - paddedRows) * (32 - paddedColumns)), d.zeros());
            }
        }
        for (int top = 0; top < 9; top++) {
            for (int left = 0; left < 9; left++) {
                // Expected N/81 = 49 each; 15 is more than 4.9 standard deviations below.
                assertTrue(positions[top][left] > 15, "offset " + top + "," + left + ": " + positions[top][left]);
            }
        }
        // Binomial(4000, 0.5): standard deviation 31.6; 0.5 +- 0.04 is more than 5 of them.
        assertEquals(0.5, flips / (double) N, 0.04);
    }

    @Test
    void withoutFlipsOnlyTheCropIsRandom() {
        ImageSet images = coordinateImages(InputShape.CIFAR, 300);
        Normalization none = Normalization.fit(Normalization.Mode.NONE, images);
        Iterator<DataSet> epoch = Batches.epoch(images, none, Augmentation.paper(false), 300, 5, 0);
        float[] out = features(epoch.next());
        Set<Integer> offsets = new HashSet<>();
        for (int n = 0; n < 300; n++) {
            Decoded d = decode(out, n * 3 * 1024);
            assertFalse(d.flipped());
            offsets.add(d.top() * 9 + d.left());
        }
        assertTrue(offsets.size() > 60, "distinct offsets: " + offsets.size());
    }

    @Test
    void twentyEightPixelImagesArePaddedAndCroppedAtTheirSize() {
        assertFalse(Dataset.MNIST.flipByDefault(), "a flipped digit is another digit");
        assertTrue(Dataset.FASHION_MNIST.flipByDefault() && Dataset.CIFAR10.flipByDefault());
        InputShape mnist = InputShape.MNIST;
        ImageSet images = coordinateImages(mnist, 2000);
        Normalization none = Normalization.fit(Normalization.Mode.NONE, images);
        Augmentation augmentation = Augmentation.paper(Dataset.MNIST.flipByDefault());
        Set<Integer> shifts = new HashSet<>();
        for (Iterator<DataSet> it = Batches.epoch(images, none, augmentation, 1000, 3, 0); it.hasNext(); ) {
            DataSet batch = it.next();
            assertArrayEquals(new long[] {1000, 1, 28, 28}, batch.getFeatures().shape());
            float[] out = features(batch);
            for (int n = 0; n < 1000; n++) {
                // Channel 0 encodes rows: the row shift is the centre row's source minus the centre.
                int shift = raw(out[n * 784 + 14 * 28 + 14]) - 1 - 14;
                shifts.add(shift);
                if (shift > 0) {
                    assertEquals(0f, out[n * 784 + 27 * 28 + 5], "bottom row is padding");
                }
            }
        }
        assertEquals(Set.of(-4, -3, -2, -1, 0, 1, 2, 3, 4), shifts);
    }

    @Test
    void theSameSeedGivesTheSameEpochAndAnotherEpochDiffers() {
        ImageSet images = SyntheticDatasets.images(InputShape.CIFAR, 10, 64, 1);
        Normalization norm = Normalization.fit(Normalization.Mode.PIXEL_MEAN, images);
        Augmentation augmentation = Augmentation.paper(true);

        List<float[]> first = collect(Batches.epoch(images, norm, augmentation, 16, 7, 2));
        List<float[]> again = collect(Batches.epoch(images, norm, augmentation, 16, 7, 2));
        List<float[]> nextEpoch = collect(Batches.epoch(images, norm, augmentation, 16, 7, 3));
        List<float[]> otherSeed = collect(Batches.epoch(images, norm, augmentation, 16, 8, 2));

        assertEquals(4, first.size());
        for (int b = 0; b < first.size(); b++) {
            assertArrayEquals(first.get(b), again.get(b));
        }
        assertFalse(java.util.Arrays.equals(first.get(0), nextEpoch.get(0)));
        assertFalse(java.util.Arrays.equals(first.get(0), otherSeed.get(0)));
        // An example's draw depends on seed, epoch and index only.
        assertEquals(augmentation.draw(7, 2, 13), augmentation.draw(7, 2, 13));
        assertNotEquals(augmentation.draw(7, 2, 13), augmentation.draw(7, 3, 13));
    }

    @Test
    void validationImagesAreOnlyNormalised() {
        ImageSet images = SyntheticDatasets.images(InputShape.CIFAR, 10, 5, 1);
        Normalization norm = Normalization.fit(Normalization.Mode.PIXEL_MEAN, images);
        List<DataSet> batches = Batches.unaugmented(images, norm, 4);

        assertEquals(2, batches.size());
        assertEquals(1, batches.get(1).numExamples());
        float[] out = features(batches.get(1));
        for (int i = 0; i < 3072; i++) {
            float expected = (images.pixels()[4 * 3072 + i] & 0xff) / 255f - norm.mean(i);
            assertEquals(expected, out[i], 1e-6f);
        }
        assertEquals(1f, batches.get(1).getLabels().getFloat(0, images.label(4)));
    }

    private static List<float[]> collect(Iterator<DataSet> batches) {
        List<float[]> all = new ArrayList<>();
        batches.forEachRemaining(b -> all.add(features(b)));
        return all;
    }
}
