package org.resnetspark.spark.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.resnetspark.data.Augmentation;
import org.resnetspark.data.ImageSource;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.Normalization;
import org.resnetspark.data.PixelStatistics;
import org.resnetspark.data.TrainValidationSplit;

/**
 * A dataset prepared by the paper's protocol with the executors doing the reading: the driver
 * knows the files, their sizes and the held-out indices; the executors read the training files
 * once and keep them, split them into the training and validation sets by those indices, and sum
 * the normalisation statistics. The same seed gives the same split, numbering and statistics as
 * {@link org.resnetspark.data.PreparedData} computes in one process.
 */
public final class DistributedData implements AutoCloseable {

    private final String name;
    private final Examples trainingFiles;
    private final List<String> classNames;
    private final Broadcast<int[]> heldOut;
    private final Examples train;
    private final Examples validation;
    private final ImageSource testSource;
    private final Normalization.Mode mode;
    private final Augmentation augmentation;
    private final JavaSparkContext sc;
    private Normalization normalization;

    private DistributedData(JavaSparkContext sc, String name, ImageSource trainingFiles, ImageSource test,
                            int validationSize, Normalization.Mode mode, Augmentation augmentation, long seed) {
        this.sc = sc;
        this.name = name;
        this.testSource = test;
        this.mode = mode;
        this.augmentation = augmentation;
        int[] validationIndices = TrainValidationSplit.validationIndices(trainingFiles.size(), validationSize, seed);
        this.heldOut = sc.broadcast(validationIndices);
        Examples files = Examples.read(sc, trainingFiles, sc.defaultParallelism());
        files.rdd().persist(StorageLevel.MEMORY_AND_DISK());
        this.trainingFiles = files;
        this.classNames = trainingFiles.classNames();
        this.train = new Examples(side(files.rdd(), heldOut, false).setName("training set"),
                files.count() - validationSize, files.shape(), files.numClasses());
        this.validation = new Examples(side(files.rdd(), heldOut, true).setName("validation set"),
                validationSize, files.shape(), files.numClasses());
    }

    /**
     * The held-out examples (numbered by their place among the held-out indices) or the others
     * (numbered as in the files with the held-out ones left out): the numbering PreparedData gives.
     */
    private static JavaRDD<Example> side(JavaRDD<Example> files, Broadcast<int[]> heldOut, boolean held) {
        return files.flatMap(e -> {
            int at = Arrays.binarySearch(heldOut.value(), (int) e.index);
            if ((at >= 0) != held) {
                return Collections.emptyIterator();
            }
            long index = held ? at : e.index + at + 1;
            return Collections.singletonList(new Example(index, e.label, e.pixels)).iterator();
        });
    }

    /**
     * The training split of {@code trainingFiles} less {@code validationSize} images held out by
     * {@code seed}, and the test set. Nothing is read yet: {@link #check} reads.
     */
    public static DistributedData of(JavaSparkContext sc, String name, ImageSource trainingFiles, ImageSource test,
                                     int validationSize, Normalization.Mode mode, Augmentation augmentation, long seed) {
        return new DistributedData(sc, name, trainingFiles, test, validationSize, mode, augmentation, seed);
    }

    /**
     * Reads every file once on the executors, so that a damaged record (a short file, a label out
     * of range) stops the job before training, naming the file; the training files stay cached.
     */
    public void check() {
        normalization();
        test().rdd().count();
    }

    /**
     * Uses {@code given} instead of statistics of the training split: the normalisation a model
     * being fine-tuned was trained with (its weights expect it).
     */
    public synchronized void useNormalization(Normalization given) {
        if (!given.shape().equals(shape())) {
            throw new IllegalArgumentException("The model's normalisation is for " + given.shape() + " images, but "
                    + name() + " has " + shape() + ": fine-tune it on images of its own shape");
        }
        normalization = given;
    }

    /** The statistics of the training split, summed on the executors (and read there, the first time). */
    public synchronized Normalization normalization() {
        if (normalization == null) {
            if (mode == Normalization.Mode.NONE) {
                trainingFiles.rdd().count();
                normalization = Normalization.of(mode, shape(), null);
            } else {
                InputShape shape = shape();
                PixelStatistics sums = train.rdd().treeAggregate(new PixelStatistics(shape),
                        (s, e) -> s.add(e.pixels, 0), PixelStatistics::merge);
                normalization = Normalization.of(mode, shape, sums);
            }
        }
        return normalization;
    }

    public String name() {
        return name;
    }

    public Examples train() {
        return train;
    }

    public Examples validation() {
        return validation;
    }

    /** The test set, read again each time it is used (it is used once, at the end). */
    public Examples test() {
        return Examples.read(sc, testSource, sc.defaultParallelism());
    }

    public long testCount() {
        return testSource.size();
    }

    public Augmentation augmentation() {
        return augmentation;
    }

    public InputShape shape() {
        return trainingFiles.shape();
    }

    public int numClasses() {
        return trainingFiles.numClasses();
    }

    /** The classes' names in label order; empty when the dataset has none but the labels. */
    public List<String> classNames() {
        return classNames;
    }

    public String summary() {
        return String.format("%s: %d training, %d validation, %d test images of %s, %d classes; normalization %s; "
                        + "augmentation %s", name, train.count(), validation.count(), testCount(), shape(), numClasses(),
                normalization(), augmentation.describe());
    }

    /** Frees the executors' copies of the training files. */
    @Override
    public void close() {
        trainingFiles.rdd().unpersist(false);
        heldOut.destroy();
    }
}
