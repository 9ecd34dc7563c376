package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.training.SgdMomentum;

/**
 * Workers that keep their network between averaging rounds train exactly as workers that build a
 * new one every round (DL4J's way, which listeners switch back on): same parameters to the last
 * bit, on a ResNet with batch norm, momentum and a learning rate that drops by iteration.
 */
class ReusingTrainingWorkerTest {

    private static final ModelSpec SPEC = ModelRegistry.parse("resnet8", 4, InputShape.CIFAR);

    @Test
    void aKeptNetworkTrainsExactlyAsANewOne() {
        SyntheticImages images = new SyntheticImages(SPEC.input(), SPEC.numClasses(), 11);
        try (JavaSparkContext sc = LocalSpark.start("reuse")) {
            JavaRDD<DataSet> train = sc.parallelize(images.batches(8, 8, 0), 2);
            long reusedBefore = ReusingTrainingWorker.networksReused();
            INDArray kept = train(sc, train, false);
            assertTrue(ReusingTrainingWorker.networksReused() - reusedBefore >= 4,
                    "6 rounds of 2 workers: all but the first round's could start from a kept network");

            long reusedBefore2 = ReusingTrainingWorker.networksReused();
            INDArray rebuilt = train(sc, train, true);
            assertEquals(reusedBefore2, ReusingTrainingWorker.networksReused(), "with listeners every round builds its network");

            assertEquals(rebuilt, kept, "largest difference " + rebuilt.sub(kept).amaxNumber());
            // A second run of the same configuration starts from iteration 0 and its own parameters again.
            assertEquals(kept, train(sc, train, false));
        } finally {
            ReusingTrainingWorker.dropIdleNetworks();
        }
    }

    /** Three epochs of two rounds (2 workers x 2 steps of 8 images); the rate drops after iteration 5. */
    private static INDArray train(JavaSparkContext sc, JavaRDD<DataSet> train, boolean withListener) {
        var drops = new MapSchedule(ScheduleType.ITERATION, Map.of(0, 0.1, 5, 0.02));
        ComputationGraph net = SPEC.build(NetworkOptions.defaults().withSeed(3)
                .withUpdater(new SgdMomentum(0.1, drops, 0.9, false)));
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, new ParameterAveraging(2, 8, 2).trainingMaster(1));
        if (withListener) {
            sparkNet.setListeners(List.of(new ScoreIterationListener(1000)));
        }
        for (int epoch = 0; epoch < 3; epoch++) {
            sparkNet.fit(train);
        }
        return sparkNet.getNetwork().params().dup();
    }
}
