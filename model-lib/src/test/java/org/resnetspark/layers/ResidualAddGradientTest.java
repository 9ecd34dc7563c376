package org.resnetspark.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link ResidualAddVertex} hands both inputs one gradient array where DL4J's in-place summing of
 * gradients cannot change it too early. Each graph here is trained one backward pass with the
 * vertex and with DL4J's addition and ReLU, in double precision: the gradients must agree exactly
 * up to rounding, both in a residual block (where the array is shared) and in a graph where the
 * shortcut's input also feeds a second head off the branch (where sharing would hand the branch
 * that head's gradient too, so the vertex must copy).
 */
class ResidualAddGradientTest {

    private static final int WIDTH = 6;

    @ParameterizedTest(name = "second head off the branch: {0}")
    @ValueSource(booleans = {false, true})
    void sameGradientsAsDl4jAddition(boolean secondHead) {
        ComputationGraph ours = graph(new ResidualAdd(true), false, secondHead);
        ComputationGraph dl4j = graph(new ElementWiseVertex(ElementWiseVertex.Op.Add), true, secondHead);
        dl4j.setParams(ours.params());

        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, WIDTH);
        INDArray[] labels = secondHead
                ? new INDArray[] {Nd4j.randn(DataType.DOUBLE, 5, WIDTH), Nd4j.randn(DataType.DOUBLE, 5, WIDTH)}
                : new INDArray[] {Nd4j.randn(DataType.DOUBLE, 5, WIDTH)};
        Map<String, INDArray> expected = gradients(dl4j, x, labels);
        Map<String, INDArray> actual = gradients(ours, x, labels);

        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            double difference = expected.get(name).sub(actual.get(name)).norm2Number().doubleValue();
            double scale = Math.max(1e-12, expected.get(name).norm2Number().doubleValue());
            assertEquals(0, difference / scale, 1e-12, name + " gradient");
        }
    }

    private static Map<String, INDArray> gradients(ComputationGraph net, INDArray x, INDArray[] labels) {
        net.setInputs(x);
        net.setLabels(labels);
        net.computeGradientAndScore();
        return net.gradient().gradientForVariable();
    }

    /**
     * in -> branch (dense) -> add(branch, in) -> out; with a second head, in -> side (dense) -> out2,
     * declared after the branch so that DL4J's backward pass reaches the side head before the branch.
     */
    private static ComputationGraph graph(GraphVertex addition, boolean separateRelu, boolean secondHead) {
        GraphBuilder builder = new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder()
                .addInputs("in")
                .addLayer("branch", new DenseLayer.Builder().nIn(WIDTH).nOut(WIDTH).activation(Activation.TANH).build(), "in");
        if (secondHead) {
            builder.addLayer("side", new DenseLayer.Builder().nIn(WIDTH).nOut(WIDTH).activation(Activation.TANH).build(), "in");
        }
        builder.addVertex("add", addition, "branch", "in");
        String sum = "add";
        if (separateRelu) {
            builder.addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "add");
            sum = "relu";
        }
        builder.addLayer("out", new OutputLayer.Builder(LossFunction.MSE).nIn(WIDTH).nOut(WIDTH)
                .activation(Activation.IDENTITY).build(), sum);
        if (secondHead) {
            builder.addLayer("out2", new OutputLayer.Builder(LossFunction.MSE).nIn(WIDTH).nOut(WIDTH)
                    .activation(Activation.IDENTITY).build(), "side");
            builder.setOutputs("out", "out2");
        } else {
            builder.setOutputs("out");
        }
        ComputationGraph net = new ComputationGraph(builder.build());
        net.init();
        return net;
    }
}
