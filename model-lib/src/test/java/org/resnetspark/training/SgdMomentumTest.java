package org.resnetspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.NetworkOptions;

class SgdMomentumTest {

    /** Three steps of p -= lr * v, v = m * v + g, computed by hand next to the updater. */
    @Test
    void heavyBallMomentumAsTorchAndPyTorchDefineIt() {
        assertSteps(false, new double[][] {{0.1, -0.2}, {0.19, -0.38}, {0.271, -0.542}});
    }

    @Test
    void nesterovMomentumAsPyTorchDefinesIt() {
        // step = lr * (g + m * v) with v updated first: v1 = g, v2 = 1.9 g, v3 = 2.71 g.
        assertSteps(true, new double[][] {{0.19, -0.38}, {0.271, -0.542}, {0.3439, -0.6878}});
    }

    private static void assertSteps(boolean nesterov, double[][] expectedSteps) {
        SgdMomentum config = new SgdMomentum(0.1, null, 0.9, nesterov);
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, 2);
        GradientUpdater<SgdMomentum> updater = config.instantiate(state, true);
        for (int i = 0; i < expectedSteps.length; i++) {
            INDArray gradient = Nd4j.createFromArray(1.0, -2.0).reshape(1, 2);
            updater.applyUpdater(gradient, i, 0);
            assertEquals(Nd4j.createFromArray(expectedSteps[i]).reshape(1, 2), gradient, "step " + i);
        }
    }

    @Test
    void followsItsLearningRateScheduleByIteration() {
        var schedule = new MapSchedule(ScheduleType.ITERATION, Map.of(0, 0.1, 32_000, 0.01, 48_000, 0.001));
        SgdMomentum config = new SgdMomentum(0.1, schedule, 0.9, false);
        assertEquals(0.1, config.getLearningRate(31_999, 0));
        assertEquals(0.01, config.getLearningRate(32_000, 0));
        assertEquals(0.001, config.getLearningRate(64_000, 0));
    }

    @Test
    void rejectsMomentumOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new SgdMomentum(0.1, null, 1.0, false));
    }

    @Test
    void survivesJsonAndModelSerialisationWithItsVelocity(@TempDir Path dir) throws Exception {
        var schedule = new MapSchedule(ScheduleType.ITERATION, Map.of(0, 0.1, 100, 0.01));
        NetworkOptions options = NetworkOptions.defaults().withUpdater(new SgdMomentum(0.1, schedule, 0.9, true));
        ComputationGraph net = ModelRegistry.parse("resnet8").build(options);
        ComputationGraphConfiguration conf = net.getConfiguration();
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));

        net.fit(new SyntheticImages(InputShape.CIFAR, 10, 3).batch(8, 0));
        File file = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        assertEquals(net.params(), restored.params());
    }
}
