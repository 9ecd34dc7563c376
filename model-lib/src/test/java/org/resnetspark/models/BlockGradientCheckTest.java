package org.resnetspark.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
 * Finite-difference gradient checks of each block kind (basic/bottleneck, post/pre-activation,
 * each shortcut option, with and without a change of shape), on a tiny double-precision net: a
 * stem convolution, one block, pooling and a classifier. Batch-norm running statistics are not
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

    @ParameterizedTest(name = "{0} {1}, option {2}, {3} -> {4}({5}) channels, stride {6}")
    @CsvSource({
            "POST, BASIC, A, 2, 2, 2, 1", "POST, BASIC, A, 2, 4, 4, 2",
            "POST, BASIC, B, 2, 4, 4, 2", "POST, BASIC, C, 2, 2, 2, 1",
            "POST, BASIC, NONE, 2, 4, 4, 2",
            "PRE, BASIC, A, 2, 4, 4, 2", "PRE, BASIC, B, 2, 2, 2, 1", "PRE, BASIC, B, 2, 4, 4, 2",
            "PRE, BASIC, C, 2, 2, 2, 1",
            "POST, BOTTLENECK, A, 2, 2, 8, 2", "POST, BOTTLENECK, B, 2, 2, 8, 2", "POST, BOTTLENECK, C, 8, 2, 8, 1",
            "PRE, BOTTLENECK, A, 2, 2, 8, 1", "PRE, BOTTLENECK, B, 2, 2, 8, 2", "PRE, BOTTLENECK, C, 8, 2, 8, 1"})
    void blockGradientsMatchFiniteDifferences(Family.Order order, BlockType type, Shortcut shortcut,
                                              int inWidth, int innerWidth, int outWidth, int stride) {
        Nd4j.getRandom().setSeed(12);
        INDArray input = Nd4j.rand(DataType.DOUBLE, 5, 2, 6, 6).subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 5, 3);
        for (int i = 0; i < 5; i++) {
            labels.putScalar(i, i % 3, 1.0);
        }
        Map<NetworkOptions.Layers, List<String>> mismatches = new EnumMap<>(NetworkOptions.Layers.class);
        for (NetworkOptions.Layers layers : NetworkOptions.Layers.values()) {
            ComputationGraph net = blockNet(order, type, shortcut, inWidth, innerWidth, outWidth, stride, layers);
            mismatches.put(layers, FiniteDifferences.mismatches(net, new DataSet(input, labels), 1e-6, 1e-3,
                    List.of("_mean", "_var", "_log10stdev")));
        }
        assertEquals(Map.of(NetworkOptions.Layers.ONEDNN, List.of(), NetworkOptions.Layers.DL4J, List.of()), mismatches);
    }

    /** A stem convolution with BN-ReLU, the block, pooling and a classifier. */
    private static ComputationGraph blockNet(Family.Order order, BlockType type, Shortcut shortcut, int inWidth,
                                             int innerWidth, int outWidth, int stride, NetworkOptions.Layers layers) {
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
        // Double precision: oneDNN's blocked layout (float only) is not used, so it stays off here.
        var choice = new ResNetGraph.LayerChoice(graph, layers, false);
        graph.addLayer("stem_conv", choice.conv(3, 1, inWidth, 0, false), "input");
        String stem = choice.batchNorm("stem_bn", Activation.RELU, "stem_conv");
        var block = new ResNetGraph.Block("block", inWidth, innerWidth, outWidth, stride, type, 3,
                type == BlockType.BOTTLENECK ? 3 : 2, shortcut, Dropout.NONE);
        String out = order == Family.Order.PRE ? block.addPreActivation(graph, choice, stem, false)
                : block.addPostActivation(graph, choice, stem);
        graph.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), out);
        graph.addLayer("output", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "pool");
        graph.setOutputs("output");
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();
        return net;
    }
}
