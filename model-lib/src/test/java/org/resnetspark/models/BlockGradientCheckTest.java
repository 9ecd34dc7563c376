package org.resnetspark.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.resnetspark.testing.FiniteDifferences;

/**
 * Finite-difference gradient checks of each block kind, on a tiny double-precision net: a stem
 * convolution, one block, pooling and a classifier. Batch-norm running statistics are not
 * trained by gradient and are excluded. Inputs are away from ReLU kinks with high probability
 * (random, seeded), so central differences are valid.
 */
class BlockGradientCheckTest {

    private static DataType defaultType;

    @BeforeAll
    static void useDoublePrecision() {
        defaultType = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(defaultType, defaultType);
    }

    @ParameterizedTest(name = "option {0}, {1} -> {2} channels, stride {3}")
    @CsvSource({
            "A, 2, 2, 1", "A, 2, 4, 2",
            "B, 2, 2, 1", "B, 2, 4, 2",
            "C, 2, 2, 1", "C, 2, 4, 2",
            "NONE, 2, 2, 1", "NONE, 2, 4, 2"})
    void basicBlockGradientsMatchFiniteDifferences(Shortcut shortcut, int inWidth, int outWidth, int stride) {
        GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.RELU)
                .activation(Activation.IDENTITY)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(6, 6, 2));
        graph.addLayer("stem_conv", CifarResNet.conv(3, 1, inWidth), "input");
        String stem = CifarResNet.batchNorm(graph, "stem_bn", Activation.RELU, "stem_conv");
        String block = CifarResNet.basicBlock(graph, "block", stem, inWidth, outWidth, stride, shortcut);
        graph.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), block);
        graph.addLayer("output", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "pool");
        graph.setOutputs("output");
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();

        Nd4j.getRandom().setSeed(11);
        INDArray input = Nd4j.rand(DataType.DOUBLE, 5, 2, 6, 6).subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 5, 3);
        for (int i = 0; i < 5; i++) {
            labels.putScalar(i, i % 3, 1.0);
        }
        DataSet data = new DataSet(input, labels);
        List<String> mismatches = FiniteDifferences.mismatches(net, data, 1e-6, 1e-3,
                List.of("_mean", "_var", "_log10stdev"));
        assertEquals(List.of(), mismatches, "option " + shortcut);
    }
}
