package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.dataset.DataSet;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.training.SgdMomentum;

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

    /**
     * A schedule that stops learning at iteration 100: a network already at iteration 100 must not
     * move on the workers. DL4J's workers restarted every round at iteration 0 (their network is a
     * clone of the configuration, which drops the counts), so every run trained at its base rate.
     */
    @Test
    void workersContinueTheIterationCountSoThatLearningRateSchedulesApply() {
        ModelSpec spec = ModelRegistry.parse("resnet8", 4, InputShape.CIFAR);
        SyntheticImages images = new SyntheticImages(spec.input(), spec.numClasses(), 5);
        var stopsAt100 = new MapSchedule(ScheduleType.ITERATION, Map.of(0, 0.1, 100, 0.0));
        NetworkOptions options = NetworkOptions.defaults().withSeed(3).withL2(0)
                .withUpdater(new SgdMomentum(0.1, stopsAt100, 0.9, false));
        try (JavaSparkContext sc = LocalSpark.start("schedule")) {
            JavaRDD<DataSet> train = sc.parallelize(images.batches(8, 8, 0), 2);
            for (int startIteration : new int[] {0, 100}) {
                ComputationGraph net = spec.build(options);
                net.getConfiguration().setIterationCount(startIteration);
                INDArray before = net.getParam("stem_conv_W").dup();
                SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, new ParameterAveraging(2, 8, 2).trainingMaster(1));
                sparkNet.fit(train);
                double moved = sparkNet.getNetwork().getParam("stem_conv_W").sub(before).norm2Number().doubleValue();
                if (startIteration == 0) {
                    assertTrue(moved > 1e-3, "at rate 0.1 the weights move: " + moved);
                } else {
                    assertEquals(0.0, moved, 0.0, "from iteration 100 the rate is 0: the workers must know the iteration");
                }
                assertEquals(startIteration + 4, sparkNet.getNetwork().getConfiguration().getIterationCount(),
                        "two rounds of two steps");
            }
        }
    }

    @Test
    void effectiveBatchIsWorkersTimesBatchPerWorker() {
        assertEquals(128, new ParameterAveraging(2, 64, 1).effectiveBatch());
        assertThrows(IllegalArgumentException.class, () -> new ParameterAveraging(0, 64, 1));
    }
}
