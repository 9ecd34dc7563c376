package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.training.SgdMomentum;

/**
 * Averaging after every step, 2 workers x batch b take the same steps as one machine at batch 2b:
 * with plain SGD the averaged update is the mean of the workers' gradients, and with heavy-ball
 * momentum (velocity averaged too) the averaged velocity is as well. Checked on a tiny net without
 * batch norm, whose batch statistics would differ between b and 2b images.
 */
class AveragingEquivalenceTest {

    private static ComputationGraph tinyNet(IUpdater updater) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "input")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("output", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("output")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum"})
    void twoWorkersAtBatchBEqualOneMachineAtBatch2B(String optimiser) {
        IUpdater updater = optimiser.equals("sgd") ? new Sgd(0.1) : new SgdMomentum(0.1, null, 0.9, false);
        SyntheticImages images = new SyntheticImages(new InputShape(3, 8, 8), 3, 9);
        int b = 8;
        ComputationGraph single = tinyNet(updater);
        ComputationGraph distributed = tinyNet(updater);
        ParameterAveraging averaging = new ParameterAveraging(2, b, 1);

        try (JavaSparkContext sc = LocalSpark.start("equivalence")) {
            for (int step = 0; step < 4; step++) {
                DataSet first = images.batch(b, 2L * step);
                DataSet second = images.batch(b, 2L * step + 1);
                single.fit(DataSet.merge(List.of(first, second)));

                // One round: each worker one step on its own batch, then parameters and velocity averaged.
                var sparkNet = new SparkComputationGraph(sc, distributed, averaging.trainingMaster(step));
                sparkNet.fit(sc.parallelize(List.of(first, second), 2));
                distributed = sparkNet.getNetwork();
            }
        }
        double difference = single.params().sub(distributed.params()).amaxNumber().doubleValue();
        assertTrue(difference < 1e-5, optimiser + ": largest parameter difference " + difference);
        assertTrue(single.params().sub(tinyNet(updater).params()).amaxNumber().doubleValue() > 1e-3, "the nets trained");
    }
}
