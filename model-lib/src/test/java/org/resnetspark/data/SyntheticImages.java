package org.resnetspark.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded synthetic float batches for model tests (the jobs use {@link SyntheticDatasets}, which
 * makes raw images in the official formats): each class has its own fixed random pattern,
 * and an image is its class pattern plus noise.
 */
public final class SyntheticImages {

    private final InputShape shape;
    private final int numClasses;
    private final float noise;
    private final float[][] patterns;

    public SyntheticImages(InputShape shape, int numClasses, long seed) {
        this(shape, numClasses, seed, 1.0f);
    }

    public SyntheticImages(InputShape shape, int numClasses, long seed, float noise) {
        this.shape = shape;
        this.numClasses = numClasses;
        this.noise = noise;
        SplittableRandom random = new SplittableRandom(seed);
        int pixels = shape.channels() * shape.height() * shape.width();
        patterns = new float[numClasses][pixels];
        for (float[] pattern : patterns) {
            for (int i = 0; i < pixels; i++) {
                pattern[i] = (float) random.nextGaussian();
            }
        }
    }

    /** A batch of {@code size} images in NCHW layout with one-hot labels; batch k is always the same. */
    public DataSet batch(int size, long batchSeed) {
        SplittableRandom random = new SplittableRandom(batchSeed * 0x9E3779B97F4A7C15L + 1);
        int pixels = patterns[0].length;
        float[] features = new float[size * pixels];
        float[] labels = new float[size * numClasses];
        for (int n = 0; n < size; n++) {
            int label = random.nextInt(numClasses);
            labels[n * numClasses + label] = 1f;
            float[] pattern = patterns[label];
            for (int i = 0; i < pixels; i++) {
                features[n * pixels + i] = pattern[i] + noise * (float) random.nextGaussian();
            }
        }
        INDArray x = Nd4j.create(features, new long[] {size, shape.channels(), shape.height(), shape.width()}, DataType.FLOAT);
        INDArray y = Nd4j.create(labels, new long[] {size, numClasses}, DataType.FLOAT);
        return new DataSet(x, y);
    }

    /** {@code count} batches with seeds firstSeed, firstSeed + 1, ... */
    public List<DataSet> batches(int count, int size, long firstSeed) {
        List<DataSet> batches = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            batches.add(batch(size, firstSeed + k));
        }
        return batches;
    }
}
