package org.resnetspark.jobs;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.runtime.NativeRuntime;
import org.resnetspark.training.Progress;
import org.resnetspark.training.ThroughputBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "benchmark", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Training throughput of one model in this process (no Spark): warm up, then time a fixed "
                + "number of training steps on seeded synthetic data.")
final class BenchmarkCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "resnet20", description = "Model name (see 'models').")
    String model;

    @Option(names = "--batch", defaultValue = "128", description = "Images per training step.")
    int batch;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first.")
    int warmup;

    @Option(names = "--iterations", defaultValue = "20", description = "Timed steps.")
    int iterations;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for weights and data.")
    long seed;

    @Option(names = "--json", description = "Print one JSON line with the result instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1 || iterations < 1 || warmup < 0) {
            throw new IllegalArgumentException("--batch and --iterations must be at least 1, --warmup at least 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        ModelSpec net = ModelRegistry.parse(model);
        String runtime = NativeRuntime.start();
        ComputationGraph graph = net.build(NetworkOptions.defaults().withSeed(seed));
        var data = new SyntheticImages(net.input(), net.numClasses(), seed).batches(4, batch, seed);
        Progress progress = new Progress("benchmark " + net.name(), iterations, System.err, 10);
        ThroughputBenchmark.Result result = ThroughputBenchmark.run(graph, data, warmup, iterations, progress);

        if (json) {
            out.printf(Locale.ROOT, "{\"model\":\"%s\",\"batch\":%d,\"warmup\":%d,\"iterations\":%d,"
                            + "\"images_per_second\":%.2f,\"ms_per_iteration\":%.1f,\"runtime\":\"%s\"}%n",
                    net.name(), batch, warmup, iterations, result.imagesPerSecond(), result.msPerIteration(), runtime);
        } else {
            out.printf(Locale.ROOT, "%s, batch %d, %d timed steps after %d warm-up: %.1f images/s, %.1f ms per step%n",
                    net.name(), batch, iterations, warmup, result.imagesPerSecond(), result.msPerIteration());
            out.println("runtime: " + runtime);
        }
        out.flush();
        return 0;
    }
}
