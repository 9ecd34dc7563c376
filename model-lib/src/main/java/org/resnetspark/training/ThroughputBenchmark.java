package org.resnetspark.training;

import java.util.List;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Throughput of one network in this process: warm up, then time a fixed number of training steps
 * (forward, backward, update) or inference passes (forward in test mode, as evaluation runs it)
 * over a fixed set of batches.
 */
public final class ThroughputBenchmark {

    public record Result(int batch, int iterations, double seconds) {
        public double imagesPerSecond() {
            return batch * (double) iterations / seconds;
        }

        public double msPerIteration() {
            return 1000.0 * seconds / iterations;
        }
    }

    private ThroughputBenchmark() {
    }

    /**
     * @param progress told when timing starts and after each timed iteration
     */
    public static Result run(ComputationGraph net, List<DataSet> batches, int warmup, int iterations,
                             Progress progress) {
        return time(batches, warmup, iterations, progress, net::fit);
    }

    /** Forward passes in inference mode ({@code output}), the evaluation job's work. */
    public static Result runInference(ComputationGraph net, List<DataSet> batches, int warmup, int iterations,
                                      Progress progress) {
        return time(batches, warmup, iterations, progress, batch -> net.output(batch.getFeatures()));
    }

    private static Result time(List<DataSet> batches, int warmup, int iterations, Progress progress,
                               Consumer<DataSet> step) {
        if (batches.isEmpty() || iterations < 1) {
            throw new IllegalArgumentException("Need at least one batch and one iteration");
        }
        for (int i = 0; i < warmup; i++) {
            step.accept(batches.get(i % batches.size()));
        }
        progress.restart();
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            step.accept(batches.get(i % batches.size()));
            progress.update(i + 1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result((int) batches.get(0).getFeatures().size(0), iterations, seconds);
    }
}
