package org.resnetspark.spark.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.dataset.DataSet;
import org.resnetspark.data.Augmentation;
import org.resnetspark.data.BatchBuilder;
import org.resnetspark.data.Normalization;
import org.resnetspark.data.Seeds;
import scala.Tuple2;

/**
 * Minibatches of a set of examples on the executors, for training: each epoch the examples are
 * reshuffled across {@code partitions} by seeded random keys, and each executor normalises,
 * augments and batches its own examples, so the driver never builds float batches.
 */
public final class SparkTrainingSet {


    private final JavaRDD<Example> examples;
    private final long count;
    private final Normalization normalization;
    private final Augmentation augmentation;
    private final int numClasses;
    private final int partitions;
    private final int batchSize;
    private final long seed;

    public SparkTrainingSet(Examples examples, Normalization normalization, Augmentation augmentation,
                            int partitions, int batchSize, long seed) {
        if (partitions < 1 || batchSize < 1 || examples.count() == 0) {
            throw new IllegalArgumentException("Need at least one partition, a batch of at least one and a training image");
        }
        this.examples = examples.rdd();
        this.count = examples.count();
        this.normalization = normalization;
        this.augmentation = augmentation;
        this.numClasses = examples.numClasses();
        this.partitions = partitions;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    public long count() {
        return count;
    }

    public int partitions() {
        return partitions;
    }

    /** Minibatches per epoch, counting each partition's last partial batch. */
    public long approximateBatches() {
        return (count + batchSize - 1) / batchSize + partitions - 1;
    }

    /**
     * Epoch {@code epoch}'s minibatches of up to {@code batchSize} images: every training image
     * once, in partitions and an order drawn from (seed, epoch), each with the augmentation
     * drawn from (seed, epoch, its index). The same seed and epoch give the same batches.
     */
    public JavaRDD<DataSet> epoch(int epoch) {
        long shuffleSeed = Seeds.mix(seed, Seeds.EPOCH_SHUFFLE, epoch);
        long augmentSeed = Seeds.mix(seed, Seeds.AUGMENTATION);
        // Locals only: the closures below must not capture this (it holds the SparkContext's RDD).
        Normalization norm = normalization;
        Augmentation aug = augmentation;
        int classes = numClasses;
        int size = batchSize;
        return examples
                .mapToPair(e -> new Tuple2<>(Seeds.mix(shuffleSeed, e.index), e))
                .repartitionAndSortWithinPartitions(new HashPartitioner(partitions))
                .mapPartitions(sorted -> batches(sorted, norm, aug, classes, size, augmentSeed, epoch))
                .setName("epoch " + epoch + " minibatches");
    }

    private static Iterator<DataSet> batches(Iterator<Tuple2<Long, Example>> examples, Normalization normalization,
                                             Augmentation augmentation, int numClasses, int batchSize, long seed,
                                             int epoch) {
        BatchBuilder builder = new BatchBuilder(normalization, augmentation, numClasses, batchSize);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return examples.hasNext();
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                while (examples.hasNext() && !builder.isFull()) {
                    Example e = examples.next()._2();
                    builder.add(e.pixels, 0, e.label, augmentation.draw(seed, epoch, e.index));
                }
                return builder.build();
            }
        };
    }

}
