package org.resnetspark.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.BeforeAll;
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
import org.nd4j.linalg.ops.transforms.Transforms;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.runtime.CpuFeatures;

/**
 * The project's layers (oneDNN convolutions, fused batch norm with ReLU, in-place residual
 * addition) against an oracle that does not depend on the instruction set: the same network built
 * from DL4J's own layers in double precision (im2col convolutions, no oneDNN), with the same
 * parameters. Same activations and gradients, along a training run too, and a few hundred steps
 * later the same loss curve, parameters and accuracy, within float32 rounding. Also that the ReLU
 * of a batch-norm layer is applied at all: DL4J's BatchNormalization ignores the activation it is
 * given.
 *
 * <p>Why double precision and not DL4J's float layers: on AVX-512 CPUs DL4J's float path is the
 * less accurate one. At step 14 of the gradient run below, its stem-convolution gradient is 7e-3
 * (relative) from the double-precision one while ours is 9e-7: one ReLU input within its float
 * rounding of zero came out on the wrong side (measured on Intel family 6 model 167 and AMD Zen 5).
 *
 * <p>Float32 rounding moves a ReLU input lying within it of zero to the other side now and then
 * (a "kink"); one unit's gradient then flows differently and the weight gradients part by up to
 * about 1e-2. Such steps are told by the oracle itself: a ReLU input closer to zero than float32
 * rounding reaches ({@link #KINK_BAND} of the layer's largest input). They are held to a looser
 * bound; every other step to the strict one. A wrong kernel (a channel block out of place, a
 * ReLU gradient dropped) is off by order one on every step.
 *
 * <p>{@code DNNL_MAX_CPU_ISA} chooses the kernels under test: the build runs this class once as
 * the CPU allows (AVX-512 kernels on an AVX-512 machine) and once capped to AVX2.
 */
class FusedLayersMatchDl4jTest {

    private static final InputShape SHAPE = new InputShape(3, 12, 12);
    private static final int CLASSES = 4;
    /** Relative gradient error allowed where no ReLU input is within float32 rounding of zero. */
    private static final double STRICT = 1e-4;
    /** Allowed at a kink: one unit's flipped ReLU (up to 1.1e-2 measured). */
    private static final double AT_A_KINK = 5e-2;
    /**
     * How close to zero, relative to a ReLU layer's largest input, float32 rounding can bring an
     * input: 16 ulps (2^-24 each) of the largest. Float32 activations are a few ulps from double
     * precision's after sums of 144 to 288 products (measured: 2.8e-6 at a largest input of 5.1).
     * With tens of thousands of ReLU inputs per batch, about half the batches have one that close.
     */
    private static final double KINK_BAND = 16 * 0x1p-24;

    @BeforeAll
    static void kernelsAsAsked() {
        String cap = System.getenv("DNNL_MAX_CPU_ISA");
        assumeTrue(cap == null || CpuFeatures.ofThisMachine().hasAvx512(),
                "capping oneDNN to " + cap + " repeats the uncapped run on a CPU without AVX-512");
        boolean avx512 = cap == null && CpuFeatures.ofThisMachine().hasAvx512();
        assertEquals(avx512, OneDnn.runsAvx512(), "oneDNN's kernels (DNNL_MAX_CPU_ISA=" + cap + ")");
        assertEquals(avx512 ? 16 : 8, OneDnn.BLOCK, "channels per block for those kernels");
    }

    private static ComputationGraph net(String model, NetworkOptions.Layers layers, DataType type, double learningRate) {
        ModelSpec spec = ModelRegistry.parse(model, CLASSES, SHAPE);
        return spec.build(new NetworkOptions(5, type, new Nesterovs(learningRate, 0.9), 1e-4,
                type == DataType.FLOAT ? CacheMode.DEVICE : CacheMode.NONE, layers));
    }

    private static ComputationGraph fusedNet(String model, double learningRate) {
        return net(model, NetworkOptions.Layers.ONEDNN, DataType.FLOAT, learningRate);
    }

    /** The oracle: DL4J's layers in double precision, with a net's parameter values (matched by name). */
    private static ComputationGraph doubleTwin(String model, ComputationGraph net, double learningRate) {
        ComputationGraph oracle = net(model, NetworkOptions.Layers.DL4J, DataType.DOUBLE, learningRate);
        copyParameters(net, oracle);
        return oracle;
    }

    private static void copyParameters(ComputationGraph from, ComputationGraph to) {
        for (Map.Entry<String, INDArray> param : from.paramTable().entrySet()) {
            INDArray target = to.getParam(param.getKey());
            to.setParam(param.getKey(), param.getValue().castTo(target.dataType()).dup());
        }
    }

    private static DataSet in(DataType type, DataSet batch) {
        return new DataSet(batch.getFeatures().castTo(type), batch.getLabels().castTo(type));
    }

    /**
     * Score and gradients of the fused net against the oracle on one batch: within float32
     * rounding, or at a kink (see the class comment) within one flipped unit's effect.
     * Returns whether the batch was at a kink.
     */
    private static boolean assertSameScoreAndGradients(ComputationGraph fused, ComputationGraph oracle, DataSet batch,
                                                       String where) {
        for (ComputationGraph net : List.of(fused, oracle)) {
            DataSet typed = in(net.params().dataType(), batch);
            net.setInput(0, typed.getFeatures());
            net.setLabels(typed.getLabels());
            net.computeGradientAndScore();
        }
        double margin = reluMargin(oracle, in(DataType.DOUBLE, batch).getFeatures());
        boolean kink = margin < KINK_BAND;
        double bound = kink ? AT_A_KINK : STRICT;
        assertEquals(oracle.score(), fused.score(), 1e-5, "score, " + where);
        Map<String, INDArray> expected = oracle.gradient().gradientForVariable();
        for (Map.Entry<String, INDArray> actual : fused.gradient().gradientForVariable().entrySet()) {
            INDArray want = expected.get(actual.getKey());
            double error = drift(actual.getValue(), want);
            assertTrue(error < bound, actual.getKey() + " gradient differs by " + error + " (relative), " + where
                    + (kink ? ", at a kink (ReLU input margin " + margin + ")" : ", no ReLU input near zero"));
        }
        return kink;
    }

    /** The smallest |ReLU input| of a DL4J-layer net in training mode, relative to its layer's largest. */
    private static double reluMargin(ComputationGraph dl4jLayers, INDArray features) {
        Map<String, INDArray> activations = dl4jLayers.feedForward(features, true);
        double margin = Double.MAX_VALUE;
        for (GraphVertex vertex : dl4jLayers.getVertices()) {
            if (vertex.hasLayer() && vertex.getLayer() instanceof org.deeplearning4j.nn.layers.ActivationLayer) {
                String input = dl4jLayers.getConfiguration().getVertexInputs().get(vertex.getVertexName()).get(0);
                INDArray x = activations.get(input);
                margin = Math.min(margin, Transforms.abs(x).minNumber().doubleValue() / x.amaxNumber().doubleValue());
            }
        }
        return margin;
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet8-B", "preact11-B", "resnet8", "preact11"})
    void sameActivationsAndGradients(String model) {
        ComputationGraph fused = fusedNet(model, 0.05);
        ComputationGraph oracle = doubleTwin(model, fused, 0.05);
        DataSet batch = new SyntheticImages(SHAPE, CLASSES, 1).batch(16, 0);

        for (boolean training : new boolean[] {true, false}) {
            INDArray expected = oracle.feedForward(batch.getFeatures().castTo(DataType.DOUBLE), training).get("output");
            INDArray actual = fused.feedForward(batch.getFeatures(), training).get("output");
            assertTrue(expected.castTo(DataType.FLOAT).equalsWithEps(actual, 1e-5), "outputs, training=" + training);
        }

        assertSameScoreAndGradients(fused, oracle, batch, "at initialisation");
    }

    /**
     * At every step of a 100-step training run (learning rate 0.05, the oracle trains), the fused
     * net given the oracle's current parameters computes the same score and gradients. Measured
     * here: 4.4e-5 (relative) at worst off a kink, 7e-4 at the one kink that flipped (step 16).
     * At least a quarter of the steps must be off kinks, or the strict bound would test little.
     */
    @Test
    void sameGradientsAlongATrainingRun() {
        String model = "resnet8-B";
        ComputationGraph fused = fusedNet(model, 0.05);
        ComputationGraph oracle = doubleTwin(model, fused, 0.05);
        SyntheticImages data = new SyntheticImages(SHAPE, CLASSES, 2, 2.0f);
        int kinks = 0;
        int steps = 100;
        for (int step = 0; step < steps; step++) {
            DataSet batch = data.batch(16, step % 50);
            copyParameters(oracle, fused);
            kinks += assertSameScoreAndGradients(fused, oracle, batch, "step " + step) ? 1 : 0;
            oracle.fit(in(DataType.DOUBLE, batch));
        }
        assertTrue(kinks <= steps * 3 / 4, kinks + " of " + steps
                + " steps had a ReLU input within float32 rounding of zero: too few strict comparisons");
    }

    /**
     * Nets trained side by side from the same start: the fused net in float32 and the oracle in
     * double precision. How far apart they end is compared with how far the oracle ends from a
     * copy of itself whose parameters get float32-sized rounding noise (uniform, 2^-24 relative)
     * after every step: float32 storage's own effect on this training run, computed in double
     * precision and so the same on every CPU. Measured here at learning rate 0.01: the fused net
     * ends 1.0x (loss curve) and up to 1.3x (parameters) as far from the oracle as the noisy copy.
     */
    @Test
    void sameLossCurveParametersAndAccuracyAfterTraining() {
        String model = "resnet8-B";
        double learningRate = 0.01;
        ComputationGraph fused = fusedNet(model, learningRate);
        ComputationGraph oracle = doubleTwin(model, fused, learningRate);
        ComputationGraph rounded = doubleTwin(model, fused, learningRate);

        SyntheticImages data = new SyntheticImages(SHAPE, CLASSES, 2, 2.0f);
        double fusedGap = 0;
        double roundingGap = 0;
        double firstLoss = 0;
        for (int step = 0; step < 200; step++) {
            DataSet batch = data.batch(16, step % 50);
            fused.fit(batch);
            oracle.fit(in(DataType.DOUBLE, batch));
            rounded.fit(in(DataType.DOUBLE, batch));
            Nd4j.getRandom().setSeed(1000 + step);
            INDArray noise = Nd4j.rand(DataType.DOUBLE, rounded.params().shape()).subi(0.5).muli(2 * 0x1p-24).addi(1);
            rounded.setParams(rounded.params().mul(noise));
            firstLoss = step == 0 ? oracle.score() : firstLoss;
            fusedGap = Math.max(fusedGap, Math.abs(fused.score() - oracle.score()));
            roundingGap = Math.max(roundingGap, Math.abs(rounded.score() - oracle.score()));
        }
        assertTrue(fusedGap <= 3 * roundingGap + 1e-5, "loss curves part by " + fusedGap
                + "; float32 rounding alone parts them by " + roundingGap);
        assertTrue(fused.score() < 0.5 * firstLoss, "the net learned: " + firstLoss + " -> " + fused.score());
        for (Map.Entry<String, INDArray> param : oracle.paramTable().entrySet()) {
            INDArray want = param.getValue();
            double fusedDrift = drift(fused.getParam(param.getKey()), want);
            double roundingDrift = drift(rounded.getParam(param.getKey()), want);
            assertTrue(fusedDrift <= 3 * roundingDrift + 1e-5, param.getKey() + " drifted apart by " + fusedDrift
                    + " (relative); float32 rounding alone drifts it by " + roundingDrift);
        }

        DataSet test = data.batch(256, 1000);
        Evaluation fusedEval = fused.evaluate(new SingletonDataSetIterator(test));
        Evaluation oracleEval = oracle.evaluate(new SingletonDataSetIterator(in(DataType.DOUBLE, test)));
        assertEquals(oracleEval.accuracy(), fusedEval.accuracy(), 2.0 / 256);
    }

    /** |actual - expected| / |expected| (or / 1e-3 for tiny ones), in double precision. */
    private static double drift(INDArray actual, INDArray expected) {
        return actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)).norm2Number().doubleValue()
                / Math.max(1e-3, expected.norm2Number().doubleValue());
    }

    @Test
    void reluOutputsHaveNoNegativesAndTheAdditionIsInPlaceOnlyWhileTraining() {
        ComputationGraph fused = fusedNet("resnet8", 0.05);
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
