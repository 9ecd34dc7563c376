package org.resnetspark.pytorch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.models.ResNetSpec;
import org.resnetspark.testing.NativeRuntimeExtension;

/**
 * Our networks compute the reference implementations' functions: PyTorch builds the reference
 * module with random weights and random batch-norm statistics and saves it in both formats; the
 * import gives the same logits on the same images in inference mode (to 1e-4 of the logits'
 * scale); the exported file loads back into the reference module with strict=True and gives the
 * same logits, its tensors equal to the original's to float rounding.
 */
@ExtendWith(NativeRuntimeExtension.class)
class PyTorchFidelityTest {

    @TempDir
    Path folder;

    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "resnet56", "resnet20-B", "resnet110", "preact110", "wrn-16-4", "resnet18", "resnet50"})
    void importGivesPyTorchsLogitsAndExportLoadsBackStrictly(String model) throws Exception {
        PyTorchReference.make(model, folder);
        ResNetSpec spec = (ResNetSpec) ModelRegistry.parse(model);
        float[] images = PyTorchReference.floats(folder.resolve("images.f32"));
        float[] expected = PyTorchReference.floats(folder.resolve("logits.f32"));

        for (String file : new String[] {"zip.pt", "legacy.pt"}) {
            ComputationGraph net = new ComputationGraph(spec.configuration(NetworkOptions.defaults()));
            net.init();
            PyTorchWeights.load(net, spec, TorchCheckpoint.readStateDict(folder.resolve(file)), file);
            assertClose(expected, logits(net, images), model + " from " + file);

            Path exported = folder.resolve("exported-" + file);
            TorchCheckpoint.writeStateDict(exported, PyTorchWeights.stateDict(net, spec));
            String check = PyTorchReference.check(model, exported, folder);
            assertTrue(check.contains("\"ok\": true"), check);
        }
    }

    /** DL4J's own layers (the fallback on GPUs) compute the same function from the same imported weights. */
    @Test
    void dl4jLayersGiveTheSameLogits() throws Exception {
        PyTorchReference.make("resnet20", folder);
        ResNetSpec spec = (ResNetSpec) ModelRegistry.parse("resnet20");
        ComputationGraph net = new ComputationGraph(spec.configuration(
                NetworkOptions.defaults().withLayers(NetworkOptions.Layers.DL4J)));
        net.init();
        PyTorchWeights.load(net, spec, TorchCheckpoint.readStateDict(folder.resolve("zip.pt")), "zip.pt");
        assertClose(PyTorchReference.floats(folder.resolve("logits.f32")),
                logits(net, PyTorchReference.floats(folder.resolve("images.f32"))), "resnet20 on DL4J's layers");
    }

    /** The classifier's input (the pooled features) times its weights plus bias: the logits before softmax. */
    static float[] logits(ComputationGraph net, float[] images) {
        INDArray input = Nd4j.create(images, new long[] {images.length / 3072, 3, 32, 32}, 'c');
        INDArray pooled = net.feedForward(input, false).get("pool");
        INDArray logits = pooled.mmul(net.getLayer("output").getParam("W")).addiRowVector(net.getLayer("output").getParam("b"));
        return logits.dup('c').reshape(-1).toFloatVector();
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        double tolerance = 1e-4 * Math.max(scale, 1.0);
        String message = String.format(Locale.ROOT, "%s: logits differ by up to %.3g (scale %.3g, tolerance %.3g)",
                what, worst, scale, tolerance);
        assertTrue(worst <= tolerance, message);
        System.out.println(message);
    }
}
