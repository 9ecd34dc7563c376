package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;

class ParameterAveragingTrainingTest {

    @Test
    void aSmallResNetLearnsOnTwoSparkWorkers() {
        ModelSpec spec = ModelRegistry.parse("resnet8", 4, InputShape.CIFAR);
        SyntheticImages images = new SyntheticImages(spec.input(), spec.numClasses(), 5);
        DataSet probe = images.batch(64, -1);
        ParameterAveraging averaging = new ParameterAveraging(2, 16, 2);

        try (JavaSparkContext sc = LocalSpark.start("train")) {
            JavaRDD<DataSet> train = sc.parallelize(images.batches(16, 16, 0), 2);
            ComputationGraph net = spec.build(NetworkOptions.defaults().withSeed(3));
            double before = net.score(probe);

            SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, averaging.trainingMaster(1));
            // Four epochs of 8 averaged steps: batch norm's running statistics (decay 0.9), which the
            // test-mode score uses, trail the weights for the first dozen steps.
            for (int epoch = 0; epoch < 4; epoch++) {
                sparkNet.fit(train);
            }
            double after = sparkNet.getNetwork().score(probe);

            assertTrue(after < 0.7 * before, "loss " + before + " -> " + after);
        }
    }

    @Test
    void effectiveBatchIsWorkersTimesBatchPerWorker() {
        assertEquals(128, new ParameterAveraging(2, 64, 1).effectiveBatch());
        assertThrows(IllegalArgumentException.class, () -> new ParameterAveraging(0, 64, 1));
    }
}
