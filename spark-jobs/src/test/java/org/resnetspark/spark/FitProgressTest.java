package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.junit.jupiter.api.Test;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;

/** The driver learns of a fit's progress while it runs: from the workers' minibatch counts, round by round. */
class FitProgressTest {

    @Test
    void eachAveragingRoundOfARealFitAdvancesTheProgressByOneStep() throws Exception {
        ModelSpec spec = ModelRegistry.parse("resnet8", 4, new InputShape(3, 8, 8));
        SyntheticImages images = new SyntheticImages(spec.input(), spec.numClasses(), 5);
        // Two workers averaging after every step: 12 minibatches of 16 are 6 global steps, in 6 rounds.
        ParameterAveraging averaging = new ParameterAveraging(2, 16, 1);
        StringWriter console = new StringWriter();
        try (JavaSparkContext sc = LocalSpark.start("fit-progress")) {
            var master = averaging.trainingMaster(1);
            var sparkNet = new SparkComputationGraph(sc, spec.build(NetworkOptions.defaults().withSeed(3)), master);
            // An epoch that began a minute ago: past the quiet start, and each step is a sixth of it, so each is a line.
            var progress = new EpochProgress(1, 6, 32, new PrintWriter(console), System.nanoTime() - 60_000_000_000L);
            try (var watch = FitProgress.watch(sc, master, averaging.workers(), progress)) {
                sparkNet.fit(sc.parallelize(images.batches(12, 16, 0), 2));
                sc.sc().listenerBus().waitUntilEmpty(30_000);   // Spark tells listeners of task ends asynchronously
            }
        }
        List<String> lines = console.toString().lines().toList();
        assertEquals(5, lines.size(), console.toString());   // none at the end: the epoch's own line follows
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).matches("  epoch 1: iteration " + (i + 1) + "/6 \\(" + 100 * (i + 1) / 6
                    + "%\\), [0-9.]+ images/s, epoch ETA [0-9]+m[0-9]{2}s"), lines.get(i));
        }
    }
}
