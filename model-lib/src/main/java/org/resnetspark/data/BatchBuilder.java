package org.resnetspark.data;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Assembles minibatches: each image is normalised and augmented straight from its raw bytes
 * into the batch's float array, then the batch becomes one NCHW DataSet with one-hot labels.
 * ND4J copies the arrays off-heap, so the builder reuses them: a batch of 128 CIFAR images is a
 * 1.5 MB array, and a new one per batch grew the JVM heap by hundreds of MB of garbage.
 */
public final class BatchBuilder {

    private final Normalization normalization;
    private final Augmentation augmentation;
    private final int numClasses;
    private final int capacity;
    private final int imageFloats;
    private final float[] features;
    private final float[] labels;
    private int count;

    public BatchBuilder(Normalization normalization, Augmentation augmentation, int numClasses, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("Batch size must be at least 1, got " + capacity);
        }
        this.normalization = normalization;
        this.augmentation = augmentation;
        this.numClasses = numClasses;
        this.capacity = capacity;
        this.imageFloats = normalization.channels() * normalization.height() * normalization.width();
        this.features = new float[capacity * imageFloats];
        this.labels = new float[capacity * numClasses];
    }

    /** Adds the image at {@code offset} of {@code pixels} with the given random draw. */
    public void add(byte[] pixels, int offset, int label, Augmentation.Draw draw) {
        if (isFull()) {
            throw new IllegalStateException("Batch of " + capacity + " is full; build() it first");
        }
        augmentation.apply(pixels, offset, normalization, draw, features, count * imageFloats);
        labels[count * numClasses + label] = 1f;
        count++;
    }

    public boolean isFull() {
        return count == capacity;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** The images added so far as one DataSet; the builder is then empty again. */
    public DataSet build() {
        if (isEmpty()) {
            throw new IllegalStateException("No images in the batch");
        }
        float[] x = count == capacity ? features : Arrays.copyOf(features, count * imageFloats);
        float[] y = count == capacity ? labels : Arrays.copyOf(labels, count * numClasses);
        DataSet batch = new DataSet(
                Nd4j.create(x, new long[] {count, normalization.channels(), normalization.height(), normalization.width()},
                        DataType.FLOAT),
                Nd4j.create(y, new long[] {count, numClasses}, DataType.FLOAT));
        Arrays.fill(labels, 0f);   // every image's features are written whole by the next add
        count = 0;
        return batch;
    }
}
