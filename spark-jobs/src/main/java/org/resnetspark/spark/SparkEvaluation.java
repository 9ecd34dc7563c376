package org.resnetspark.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.resnetspark.data.Augmentation;
import org.resnetspark.data.ImageSet;
import org.resnetspark.data.Normalization;
import org.resnetspark.spark.data.SparkTrainingSet;

/**
 * Classification metrics of a network over a set of images, computed on the executors: the
 * images travel as raw bytes and are normalised there, without augmentation.
 */
public final class SparkEvaluation {

    private SparkEvaluation() {
    }

    /** Accuracy, top-5 (where there are more than 10 classes), per class, confusion matrix. */
    public static Evaluation evaluate(JavaSparkContext sc, SparkComputationGraph net, ImageSet images,
                                      Normalization normalization, int partitions, int batchSize) {
        try (SparkTrainingSet set = new SparkTrainingSet(sc, images, normalization, Augmentation.NONE,
                partitions, batchSize, 0)) {
            JavaRDD<DataSet> batches = set.epoch(0);
            return net.doEvaluation(batches, batchSize, emptyEvaluation(images.numClasses()))[0];
        }
    }

    public static Evaluation emptyEvaluation(int numClasses) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < numClasses; i++) {
            labels.add(String.valueOf(i));
        }
        return new Evaluation(labels, numClasses > 10 ? 5 : 1);
    }
}
