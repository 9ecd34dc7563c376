package org.resnetspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.resnetspark.data.HadoopDeadlines;
import org.resnetspark.data.Augmentation;
import org.resnetspark.data.Batches;
import org.resnetspark.data.DataFolder;
import org.resnetspark.data.Dataset;
import org.resnetspark.data.ImageSet;
import org.resnetspark.data.ImageSource;
import org.resnetspark.data.LocalFiles;
import org.resnetspark.data.InputPipelineBenchmark;
import org.resnetspark.data.Normalization;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.runtime.NativeRuntime;
import org.resnetspark.training.Progress;
import org.resnetspark.training.ThroughputBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "benchmark", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Training (or with --inference, evaluation) throughput of one model in this process (no "
                + "Spark): warm up, then time a fixed number of steps on batches from the input pipeline.",
                "Also the input pipeline's throughput on one thread (decode + normalise + augment + batch) on the "
                + "first --pipeline-images training images of the dataset, read as train's executors read them "
                + "(--dataset, --data), or on --train-size synthetic images written as CIFAR-10 files (--dataset "
                + "synthetic, the default)."})
final class BenchmarkCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "resnet20", description = "Model name (see 'models').")
    String model;

    @Option(names = "--batch", defaultValue = "128", description = "Images per training step.")
    int batch;

    // Not --warmup: in train that names a learning-rate schedule.
    @Option(names = "--warmup-steps", defaultValue = "5", description = "Untimed steps first.")
    int warmup;

    @Option(names = "--iterations", defaultValue = "20", description = "Timed steps.")
    int iterations;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for weights and data.")
    long seed;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--pipeline-passes", defaultValue = "2", description = "Timed passes over the files (after one untimed).")
    int pipelinePasses;

    @Option(names = "--pipeline-images", defaultValue = "10000",
            description = "Training images the input pipeline decodes in each pass (at most the training split).")
    int pipelineImages;

    @Option(names = "--layers", defaultValue = "onednn", description = "Layer implementations: onednn (the "
            + "project's oneDNN convolution, batch norm + ReLU, subsampling and addition, fast on CPU; 'fused' is "
            + "an older name for it) or dl4j (DL4J's own layers, for comparison).")
    String layers;

    @Option(names = "--inference", description = "Time forward passes in inference mode (what evaluation runs) "
            + "instead of training steps.")
    boolean inference;

    @Option(names = "--json", description = "Print one JSON line with the result instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || iterations < 1 || warmup < 0 || pipelinePasses < 1 || pipelineImages < 1) {
            throw new IllegalArgumentException("--batch, --iterations, --pipeline-passes and --pipeline-images must be at "
                    + "least 1, --warmup-steps at least 0");
        }
        NetworkOptions.Layers chosenLayers = NetworkOptions.Layers.parse(layers);
        PrintWriter out = spec.commandLine().getOut();
        Normalization.Mode mode = dataOptions.normalizationMode();
        String runtime = NativeRuntime.start();
        Configuration hadoop = HadoopDeadlines.configuration();

        // Synthetic images are written as CIFAR-10 files, so that the pipeline decodes files as for real data.
        Path synthetic = dataOptions.isSynthetic() ? dataOptions.writeSyntheticFiles(seed) : null;
        InputPipelineBenchmark.Result pipeline;
        List<DataSet> batches = new ArrayList<>();
        String dataset;
        ImageSource train;
        try {
            DataOptions.Sources sources = synthetic != null
                    ? new DataOptions.Sources("cifar10", Dataset.CIFAR10.source(DataFolder.at(synthetic.toString(), hadoop),
                            Dataset.Split.TRAIN), null, true)
                    : dataOptions.sources(hadoop, seed, out);
            dataset = sources.name();
            train = sources.train().range(0, Math.min(sources.train().size(), pipelineImages));
            Augmentation augmentation = dataOptions.augmentation(sources.flipByDefault());
            pipeline = InputPipelineBenchmark.run(train, hadoop, mode, augmentation, batch, seed, pipelinePasses);
            // The training steps run on the pipeline's own batches.
            ImageSet images = train.range(0, Math.min(train.size(), 4L * batch)).readAll(hadoop);
            Iterator<DataSet> epoch = Batches.epoch(images, Normalization.fit(mode, images), augmentation, batch, seed, 0);
            while (epoch.hasNext()) {
                batches.add(epoch.next());
            }
        } finally {
            LocalFiles.deleteRecursively(synthetic);
        }
        ModelSpec net = ModelRegistry.parse(model, train.numClasses(), train.shape());

        // The pipeline check leaves garbage on and off the heap; collect it so the training steps'
        // peak memory is their own (the number compare-pytorch.sh sets against PyTorch's).
        System.gc();
        ComputationGraph graph = net.build(NetworkOptions.defaults().withSeed(seed).withLayers(chosenLayers));
        Progress progress = new Progress("benchmark " + net.name(), iterations, System.err, 10);
        ThroughputBenchmark.Result result = inference
                ? ThroughputBenchmark.runInference(graph, batches, warmup, iterations, progress)
                : ThroughputBenchmark.run(graph, batches, warmup, iterations, progress);
        String measured = inference ? "inference" : "training";
        double ratio = pipeline.imagesPerSecond() / result.imagesPerSecond();

        if (json) {
            out.printf(Locale.ROOT, "{\"model\":\"%s\",\"mode\":\"%s\",\"layers\":\"%s\",\"batch\":%d,\"warmup\":%d,\"iterations\":%d,"
                            + "\"images_per_second\":%.2f,\"ms_per_iteration\":%.1f,\"dataset\":\"%s\","
                            + "\"pipeline_images\":%d,\"pipeline_images_per_second\":%.0f,"
                            + "\"pipeline_epoch_images_per_second\":%.0f,\"pipeline_to_training\":%.1f,\"runtime\":\"%s\"}%n",
                    net.name(), measured, chosenLayers, batch, warmup, iterations, result.imagesPerSecond(), result.msPerIteration(),
                    dataset, pipeline.images(), pipeline.imagesPerSecond(), pipeline.epochImagesPerSecond(),
                    ratio, runtime);
        } else {
            out.printf(Locale.ROOT, "%s (%s layers) %s, batch %d, %d timed steps after %d warm-up: %.1f images/s, "
                            + "%.1f ms per step%n", net.name(), chosenLayers, measured, batch, iterations, warmup, result.imagesPerSecond(), result.msPerIteration());
            out.printf(Locale.ROOT, "input pipeline, %s, %d images, one thread: %.0f images/s decode + normalise + "
                            + "augment + batch (%.0f images/s without decoding, which happens once per run), "
                            + "%.1fx the training throughput%n", dataset, pipeline.images(),
                    pipeline.imagesPerSecond(), pipeline.epochImagesPerSecond(), ratio);
            out.println("runtime: " + runtime);
        }
        out.flush();
        return 0;
    }
}
