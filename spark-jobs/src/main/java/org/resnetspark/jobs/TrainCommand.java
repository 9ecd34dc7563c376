package org.resnetspark.jobs;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.resnetspark.data.Batches;
import org.resnetspark.data.ImageSet;
import org.resnetspark.data.Normalization;
import org.resnetspark.data.PreparedData;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.runtime.NativeRuntime;
import org.resnetspark.spark.ParameterAveraging;
import org.resnetspark.spark.SparkJobs;
import org.resnetspark.spark.data.SparkTrainingSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The training job: parameter averaging across Spark workers on a dataset prepared by the
 * paper's protocol (split, normalisation, per-epoch augmentation inside the executors). The
 * paper's schedule, checkpoints and metrics come next.
 */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Train a model with parameter averaging across Spark workers on CIFAR-10/100, "
                + "MNIST, Fashion-MNIST or seeded synthetic data.")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "resnet20", description = "Model name (see 'models').")
    String model;

    @Option(names = "--workers", description = "Parallel workers (default: Spark's default parallelism).")
    Integer workers;

    @Option(names = "--batch-per-worker", defaultValue = "64", description = "Images per step on each worker.")
    int batchPerWorker;

    @Option(names = "--averaging-frequency", defaultValue = "5", description = "Local steps between averaging rounds.")
    int averagingFrequency;

    @Option(names = "--epochs", defaultValue = "2", description = "Passes over the training set.")
    int epochs;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for weights, split, shuffling and augmentation.")
    long seed;

    @Option(names = "--out", description = "Where to write model.zip: a Hadoop URI (file://, hdfs://, s3a://) or a local path.")
    String out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        ModelRegistry.parse(model); // an unknown model name fails before Spark starts
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1");
        }
        try (JavaSparkContext sc = SparkJobs.start("train " + model)) {
            log.println("runtime: " + NativeRuntime.start());
            PreparedData data = dataOptions.prepare(seed, sc.hadoopConfiguration(), log);
            log.println(data.summary());
            ModelSpec netSpec = ModelRegistry.parse(model, data.numClasses(), data.shape());
            ParameterAveraging averaging = new ParameterAveraging(
                    workers != null ? workers : sc.defaultParallelism(), batchPerWorker, averagingFrequency);
            log.printf("%s: %d workers x %d images = effective batch %d, averaging every %d steps%n",
                    netSpec.name(), averaging.workers(), batchPerWorker, averaging.effectiveBatch(), averagingFrequency);

            // Validation images (or training images when there are none) without augmentation.
            ImageSet probeImages = (data.validation().size() > 0 ? data.validation() : data.train()).first(512);
            DataSet probe = DataSet.merge(Batches.unaugmented(probeImages, data.normalization(), 512));
            String probeName = data.validation().size() > 0 ? "validation loss" : "training loss";

            ComputationGraph net = netSpec.build(NetworkOptions.defaults().withSeed(seed));
            SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, averaging.trainingMaster(seed));
            log.printf(Locale.ROOT, "epoch 0: %s %.4f%n", probeName, net.score(probe));
            log.flush();
            try (SparkTrainingSet train = new SparkTrainingSet(sc, data.train(), data.normalization(),
                    data.augmentation(), averaging.workers(), batchPerWorker, seed)) {
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    long start = System.nanoTime();
                    JavaRDD<DataSet> batches = train.epoch(epoch - 1);
                    sparkNet.fit(batches);
                    batches.unpersist(false); // DL4J persists each epoch's batches and never frees them
                    double seconds = (System.nanoTime() - start) / 1e9;
                    log.printf(Locale.ROOT, "epoch %d: %s %.4f, %.1f s, %.1f images/s%n", epoch, probeName,
                            sparkNet.getNetwork().score(probe), seconds, train.count() / seconds);
                    log.flush();
                }
            }
            if (out != null) {
                URI written = save(sparkNet.getNetwork(), data.normalization(), out, sc.hadoopConfiguration());
                log.println("model written to " + written);
            }
        }
        log.flush();
        return 0;
    }

    /**
     * Writes model.zip under {@code dir} through Hadoop's file system, via a temporary name, with
     * the normalisation inside it so that evaluation applies the same statistics.
     */
    static URI save(ComputationGraph net, Normalization normalization, String dir, Configuration hadoop) throws Exception {
        Path folder = new Path(URI.create(dir));
        FileSystem fs = FileSystem.get(folder.toUri(), hadoop);
        fs.mkdirs(folder);
        Path target = new Path(folder, "model.zip");
        Path temporary = new Path(folder, ".model.zip.partial");
        try (OutputStream stream = fs.create(temporary, true)) {
            ModelSerializer.writeModel(net, stream, true, normalization);
        }
        fs.delete(target, false);
        if (!fs.rename(temporary, target)) {
            throw new IllegalStateException("Could not rename " + temporary + " to " + target);
        }
        return fs.makeQualified(target).toUri();
    }

    static List<String> usageExamples() {
        return List.of("train --model resnet20 --workers 2 --batch-per-worker 64 --out file:///tmp/run1",
                "train --model resnet20 --dataset cifar10 --data hdfs:///datasets/cifar-10-batches-bin --out hdfs:///runs/r20");
    }
}
