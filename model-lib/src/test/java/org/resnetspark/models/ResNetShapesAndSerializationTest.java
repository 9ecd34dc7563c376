package org.resnetspark.models;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.layers.Relu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ResNetShapesAndSerializationTest {

    @Test
    void stagesWorkAt32_16_8PixelsOnCifar() {
        Map<String, InputType> types = ModelRegistry.parse("resnet20").configuration(NetworkOptions.defaults())
                .getLayerActivationTypes(InputType.convolutional(32, 32, 3));
        assertEquals("InputTypeConvolutional(h=32,w=32,c=16,NCHW)", types.get("stage1_block3_out").toString());
        assertEquals("InputTypeConvolutional(h=16,w=16,c=32,NCHW)", types.get("stage2_block3_out").toString());
        assertEquals("InputTypeConvolutional(h=8,w=8,c=64,NCHW)", types.get("stage3_block3_out").toString());
    }

    @Test
    void theImageNetLayoutKeeps32PixelsInItsFirstStageAndEndsAt4() {
        Map<String, InputType> types = ModelRegistry.parse("resnet50").configuration(NetworkOptions.defaults())
                .getLayerActivationTypes(InputType.convolutional(32, 32, 3));
        assertEquals("InputTypeConvolutional(h=32,w=32,c=256,NCHW)", types.get("stage1_block3_out").toString());
        assertEquals("InputTypeConvolutional(h=4,w=4,c=2048,NCHW)", types.get("stage4_block3_out").toString());
    }

    /**
     * The smallest member of each family (and variant), on CIFAR and MNIST shapes, 10 and 100
     * classes; resnet20 and a WRN on Downsampled ImageNet's 64x64 images of 1000 classes.
     */
    @ParameterizedTest(name = "{0} on {1}, {2} classes")
    @CsvSource({
            "resnet8, 3x32x32, 10", "resnet8, 1x28x28, 10", "plain8, 1x28x28, 100",
            "preact8, 3x32x32, 100", "preact11-bottleneck, 1x28x28, 10", "resnet11-bottleneck-A, 3x32x32, 10",
            "wrn-10-2-dropout0.3, 3x32x32, 10", "wrn-10-1, 1x28x28, 10", "resnet5-span1-k5, 3x32x32, 10",
            "resnet11-span3-k1-predrop0.1-fcdrop0.5, 1x28x28, 10", "resnet18, 1x28x28, 10",
            "resnet20, 3x64x64, 1000", "wrn-10-2, 3x64x64, 1000"})
    void classifiesEachInputShape(String model, String shapeText, int classes) {
        String[] dims = shapeText.split("x");
        InputShape shape = new InputShape(Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]));
        ComputationGraph net = ModelRegistry.parse(model, classes, shape).build(NetworkOptions.defaults());
        INDArray out = net.outputSingle(new SyntheticImages(shape, classes, 1).batch(3, 0).getFeatures());
        assertArrayEquals(new long[] {3, classes}, out.shape());
        assertEquals(3.0, out.sumNumber().doubleValue(), 1e-4);   // softmax rows
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet8", "resnet8-B", "resnet8-C", "plain8", "preact11-bottleneck", "resnet11-bottleneck",
            "wrn-10-2-dropout0.3", "resnet18"})
    void survivesASerializationRoundTrip(String model, @TempDir Path dir) throws Exception {
        ComputationGraph net = ModelRegistry.parse(model).build(NetworkOptions.defaults());
        var batch = new SyntheticImages(InputShape.CIFAR, 10, 2).batch(4, 0);
        net.fit(batch);   // non-trivial parameters, batch-norm statistics and updater state
        File file = dir.resolve(model + ".zip").toFile();
        ModelSerializer.writeModel(net, file, true);

        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(net.getConfiguration().toJson(), restored.getConfiguration().toJson());
        assertEquals(net.params(), restored.params());
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        assertEquals(net.outputSingle(batch.getFeatures()), restored.outputSingle(batch.getFeatures()));
    }

    /** Models saved while the ReLU after each addition was a layer of its own still load. */
    @Test
    void aConfigurationWithTheEarlierReluLayerStillLoads() {
        var conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("input")
                .addLayer("relu", new Relu(), "input")
                .addLayer("output", new OutputLayer.Builder()
                        .nIn(3).nOut(3).activation(Activation.IDENTITY)
                        .lossFunction(LossFunction.MSE).build(), "relu")
                .setOutputs("output")
                .build();
        var restored = new ComputationGraph(ComputationGraphConfiguration.fromJson(conf.toJson()));
        restored.init();
        var input = Nd4j.createFromArray(new float[][] {{-1f, 2f, -3f}});
        assertEquals(Nd4j.createFromArray(new float[][] {{0f, 2f, 0f}}),
                restored.feedForward(input, false).get("relu"));
    }
}
