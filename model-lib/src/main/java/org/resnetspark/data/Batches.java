package org.resnetspark.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.nd4j.linalg.dataset.DataSet;

/** Minibatches of an {@link ImageSet} in one process (Spark training uses SparkTrainingSet). */
public final class Batches {

    private Batches() {
    }

    /** Validation and test batches: in order, normalised, not augmented. */
    public static List<DataSet> unaugmented(ImageSet images, Normalization normalization, int batchSize) {
        BatchBuilder builder = new BatchBuilder(normalization, Augmentation.NONE, images.numClasses(), batchSize);
        Augmentation.Draw original = new Augmentation.Draw(0, 0, false);
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            builder.add(images.pixels(), images.offset(i), images.label(i), original);
            if (builder.isFull()) {
                batches.add(builder.build());
            }
        }
        if (!builder.isEmpty()) {
            batches.add(builder.build());
        }
        return batches;
    }

    /**
     * One training epoch: the images in a random order (the epoch-shuffle stream of seed and epoch),
     * each with its own augmentation draw (the augmentation stream, with the epoch and its index:
     * the draws the Spark training set makes), made lazily batch by batch.
     */
    public static Iterator<DataSet> epoch(ImageSet images, Normalization normalization, Augmentation augmentation,
                                          int batchSize, long seed, int epoch) {
        int[] order = permutation(images.size(), Seeds.mix(seed, Seeds.EPOCH_SHUFFLE, epoch));
        long augmentSeed = Seeds.mix(seed, Seeds.AUGMENTATION);
        BatchBuilder builder = new BatchBuilder(normalization, augmentation, images.numClasses(), batchSize);
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < order.length;
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                while (next < order.length && !builder.isFull()) {
                    int index = order[next++];
                    builder.add(images.pixels(), images.offset(index), images.label(index),
                            augmentation.draw(augmentSeed, epoch, index));
                }
                return builder.build();
            }
        };
    }

    /** A uniformly random permutation of 0..size-1 (Fisher-Yates). */
    public static int[] permutation(int size, long seed) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
