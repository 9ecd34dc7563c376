package org.resnetspark.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.InputShape;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;

/**
 * The project's batch-norm and ReLU layers against DL4J's own (BatchNormalization followed by an
 * ActivationLayer) on the same network, parameters and batches: the same activations, the same
 * gradients, and a few hundred training steps later the same loss curve, parameters and accuracy,
 * within float32 rounding. Also that the ReLU of a batch-norm layer is applied at all: DL4J's
 * BatchNormalization ignores the activation it is given.
 */
class FusedLayersMatchDl4jTest {

    private static final InputShape SHAPE = new InputShape(3, 12, 12);
    private static final int CLASSES = 4;

    private static ComputationGraph net(String model, NetworkOptions.Layers layers) {
        return net(model, layers, 0.05);
    }

    private static ComputationGraph net(String model, NetworkOptions.Layers layers, double learningRate) {
        ModelSpec spec = ModelRegistry.parse(model, CLASSES, SHAPE);
        return spec.build(NetworkOptions.defaults().withSeed(5).withUpdater(new Nesterovs(learningRate, 0.9))
                .withLayers(layers));
    }

    /** The DL4J-layer twin of a fused network, with the same parameter values (matched by name). */
    private static ComputationGraph dl4jTwin(String model, ComputationGraph fused, double learningRate) {
        ComputationGraph reference = net(model, NetworkOptions.Layers.DL4J, learningRate);
        copyParameters(fused, reference);
        return reference;
    }

    private static ComputationGraph dl4jTwin(String model, ComputationGraph fused) {
        return dl4jTwin(model, fused, 0.05);
    }

    private static void copyParameters(ComputationGraph from, ComputationGraph to) {
        for (Map.Entry<String, INDArray> param : from.paramTable().entrySet()) {
            to.setParam(param.getKey(), param.getValue().dup());
        }
    }

    /** Score and gradients of both nets on one batch: the same within float32 rounding. */
    private static void assertSameScoreAndGradients(ComputationGraph fused, ComputationGraph reference, DataSet batch,
                                                    String where) {
        for (ComputationGraph net : List.of(fused, reference)) {
            net.setInput(0, batch.getFeatures());
            net.setLabels(batch.getLabels());
            net.computeGradientAndScore();
        }
        assertEquals(reference.score(), fused.score(), 1e-5, "score, " + where);
        Map<String, INDArray> expected = reference.gradient().gradientForVariable();
        for (Map.Entry<String, INDArray> actual : fused.gradient().gradientForVariable().entrySet()) {
            INDArray want = expected.get(actual.getKey());
            double scale = Math.max(1e-3, want.norm2Number().doubleValue());
            double error = actual.getValue().sub(want).norm2Number().doubleValue() / scale;
            assertTrue(error < 1e-4, actual.getKey() + " gradient differs by " + error + " (relative), " + where);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet8-B", "preact11-B", "resnet8", "preact11"})
    void sameActivationsAndGradients(String model) {
        ComputationGraph fused = net(model, NetworkOptions.Layers.FUSED);
        ComputationGraph reference = dl4jTwin(model, fused);
        DataSet batch = new SyntheticImages(SHAPE, CLASSES, 1).batch(16, 0);

        for (boolean training : new boolean[] {true, false}) {
            INDArray expected = reference.feedForward(batch.getFeatures(), training).get("output");
            INDArray actual = fused.feedForward(batch.getFeatures(), training).get("output");
            assertTrue(expected.equalsWithEps(actual, 1e-5), "outputs, training=" + training);
        }

        assertSameScoreAndGradients(fused, reference, batch, "at initialisation");
    }

    /**
     * At every step of a 100-step training run (learning rate 0.05), the fused net given the
     * reference's current parameters computes the same score and gradients. Worst measured: 4e-5
     * relative, on a running-statistics entry. (Later, as the loss nears zero, gradients become
     * small sums of cancelling terms and relative rounding grows: 1.4e-3 at step 170.)
     */
    @Test
    void sameGradientsAlongATrainingRun() {
        String model = "resnet8-B";
        ComputationGraph fused = net(model, NetworkOptions.Layers.FUSED);
        ComputationGraph reference = dl4jTwin(model, fused);
        SyntheticImages data = new SyntheticImages(SHAPE, CLASSES, 2, 2.0f);
        for (int step = 0; step < 100; step++) {
            DataSet batch = data.batch(16, step % 50);
            copyParameters(reference, fused);
            assertSameScoreAndGradients(fused, reference, batch, "step " + step);
            reference.fit(batch);
        }
    }

    /**
     * Nets trained side by side from the same start, each on its own arithmetic: how far apart
     * they end is compared with how far DL4J ends from itself when one copy starts from parameters
     * perturbed by 1e-7 (relative), i.e. with float32 rounding's own effect on this training run.
     * Rounding differs between oneDNN's and libnd4j's convolutions and this tiny net amplifies it,
     * the more so at higher learning rates (at 0.05 the loss curves part by 5e-2 within 60 steps,
     * although gradients at equal parameters agree to 4e-5, above); at 0.01 both pairs end with
     * the same per-parameter drifts, up to 3e-2 on small batch-norm shifts (measured).
     */
    @Test
    void sameLossCurveParametersAndAccuracyAfterTraining() {
        String model = "resnet8-B";
        double learningRate = 0.01;
        ComputationGraph fused = net(model, NetworkOptions.Layers.FUSED, learningRate);
        ComputationGraph reference = dl4jTwin(model, fused, learningRate);
        ComputationGraph perturbed = dl4jTwin(model, fused, learningRate);
        Nd4j.getRandom().setSeed(1);
        INDArray noise = Nd4j.rand(DataType.FLOAT, perturbed.params().shape()).subi(0.5).muli(2e-7).addi(1);
        perturbed.setParams(perturbed.params().mul(noise));

        SyntheticImages data = new SyntheticImages(SHAPE, CLASSES, 2, 2.0f);
        double fusedGap = 0;
        double roundingGap = 0;
        double firstLoss = 0;
        for (int step = 0; step < 300; step++) {
            DataSet batch = data.batch(16, step % 50);
            fused.fit(batch);
            reference.fit(batch);
            perturbed.fit(batch);
            firstLoss = step == 0 ? reference.score() : firstLoss;
            fusedGap = Math.max(fusedGap, Math.abs(fused.score() - reference.score()));
            roundingGap = Math.max(roundingGap, Math.abs(perturbed.score() - reference.score()));
        }
        assertTrue(fusedGap <= 3 * roundingGap + 1e-5, "loss curves part by " + fusedGap
                + "; rounding alone parts them by " + roundingGap);
        assertTrue(fused.score() < 0.5 * firstLoss, "the net learned: " + firstLoss + " -> " + fused.score());
        // By name: the flattened orders differ, as the DL4J twin has extra activation vertices.
        for (Map.Entry<String, INDArray> param : reference.paramTable().entrySet()) {
            INDArray want = param.getValue();
            double fusedDrift = drift(fused.getParam(param.getKey()), want);
            double roundingDrift = drift(perturbed.getParam(param.getKey()), want);
            assertTrue(fusedDrift <= 3 * roundingDrift + 1e-5, param.getKey() + " drifted apart by " + fusedDrift
                    + " (relative); rounding alone drifts it by " + roundingDrift);
        }

        DataSet test = data.batch(256, 1000);
        Evaluation fusedEval = fused.evaluate(new SingletonDataSetIterator(test));
        Evaluation referenceEval = reference.evaluate(new SingletonDataSetIterator(test));
        assertEquals(referenceEval.accuracy(), fusedEval.accuracy(), 2.0 / 256);
    }

    private static double drift(INDArray actual, INDArray expected) {
        return actual.sub(expected).norm2Number().doubleValue() / Math.max(1e-3, expected.norm2Number().doubleValue());
    }

    @Test
    void reluOutputsHaveNoNegativesAndTheAdditionIsInPlaceOnlyWhileTraining() {
        ComputationGraph fused = net("resnet8", NetworkOptions.Layers.FUSED);
        INDArray features = new SyntheticImages(SHAPE, CLASSES, 1).batch(8, 0).getFeatures();
        for (boolean training : new boolean[] {true, false}) {
            Map<String, INDArray> activations = fused.feedForward(features, training);
            assertEquals(0.0, activations.get("stem_bn").minNumber().doubleValue(), "stem BN-ReLU");
            assertEquals(0.0, activations.get("stage1_block1_out").minNumber().doubleValue(), "add-ReLU");
            INDArray lastBatchNorm = activations.get("stage1_block1_bn2");
            if (training) {
                // The residual addition wrote the block's output into it, in place.
                assertTrue(lastBatchNorm.equalsWithEps(activations.get("stage1_block1_out"), 0), "in-place addition");
            } else {
                assertTrue(lastBatchNorm.minNumber().doubleValue() < 0, "BN without ReLU");
            }
        }
        assertTrue(Nd4j.getEnvironment().isCPU(), "these tests compare the CPU fast path");
    }

    /**
     * Away from the CPU fast path (here: batch norm on dense activations, as on a GPU for all
     * shapes) the layer runs DL4J's batch norm and then its activation: the same as DL4J's layers.
     */
    @Test
    void fallbackPathMatchesDl4jLayersToo() {
        DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 12, 5).subi(0.5),
                Nd4j.eye(4).repeat(0, 3));
        ComputationGraph fused = denseNet(true);
        ComputationGraph reference = denseNet(false);
        reference.setParams(fused.params().dup());
        for (boolean training : new boolean[] {true, false}) {
            assertTrue(reference.outputSingle(training, batch.getFeatures())
                    .equalsWithEps(fused.outputSingle(training, batch.getFeatures()), 1e-5), "training=" + training);
        }
        for (ComputationGraph net : List.of(fused, reference)) {
            net.setInput(0, batch.getFeatures());
            net.setLabels(batch.getLabels());
            net.computeGradientAndScore();
        }
        assertEquals(reference.score(), fused.score(), 1e-5);
        assertTrue(reference.gradient().gradient().equalsWithEps(fused.gradient().gradient(), 1e-5));
    }

    /** Dense layer, batch norm with ReLU (fused, or DL4J's plus an activation layer), softmax. */
    private static ComputationGraph denseNet(boolean fused) {
        var graph = new NeuralNetConfiguration.Builder().seed(3)
                .updater(new Nesterovs(0.05, 0.9)).activation(Activation.IDENTITY)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(5))
                .addLayer("dense", new DenseLayer.Builder().nIn(5).nOut(8).build(), "in");
        String last = "bn";
        if (fused) {
            graph.addLayer("bn", new FusedBatchNorm(Activation.RELU, false), "dense");
        } else {
            graph.addLayer("bn", new BatchNormalization.Builder().build(), "dense")
                    .addLayer("relu", new ActivationLayer(Activation.RELU), "bn");
            last = "relu";
        }
        graph.addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nIn(8).nOut(4)
                        .activation(Activation.SOFTMAX).build(), last)
                .setOutputs("out");
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();
        return net;
    }
}
