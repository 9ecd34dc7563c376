package org.resnetspark.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.resnetspark.data.Augmentation;
import org.resnetspark.data.Normalization;
import org.resnetspark.spark.data.Examples;
import org.resnetspark.spark.data.SparkTrainingSet;

/**
 * A set of images to evaluate networks on, on the executors: they are normalised there without
 * augmentation and the batches stay cached, so evaluating every epoch costs only the forward passes.
 */
public final class SparkEvaluation implements AutoCloseable {

    private final JavaRDD<DataSet> batches;
    private final int numClasses;
    private final int batchSize;

    public SparkEvaluation(Examples images, Normalization normalization, int partitions, int batchSize) {
        this.batches = new SparkTrainingSet(images, normalization, Augmentation.NONE, partitions, batchSize, 0).epoch(0)
                .persist(StorageLevel.MEMORY_ONLY());
        this.numClasses = images.numClasses();
        this.batchSize = batchSize;
    }

    /** Accuracy, top-5 (where there are more than 10 classes), per class, confusion matrix. */
    public Evaluation evaluate(SparkComputationGraph net) {
        return net.doEvaluation(batches, batchSize, emptyEvaluation(numClasses))[0];
    }

    /** Evaluates once, then frees the executors' copies. */
    public static Evaluation evaluate(SparkComputationGraph net, Examples images, Normalization normalization,
                                      int partitions, int batchSize) {
        try (SparkEvaluation set = new SparkEvaluation(images, normalization, partitions, batchSize)) {
            return set.evaluate(net);
        }
    }

    public static Evaluation emptyEvaluation(int numClasses) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < numClasses; i++) {
            labels.add(String.valueOf(i));
        }
        return new Evaluation(labels, numClasses > 10 ? 5 : 1);
    }

    @Override
    public void close() {
        batches.unpersist(false);
    }
}
