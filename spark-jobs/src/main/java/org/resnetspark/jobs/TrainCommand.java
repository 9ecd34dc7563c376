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
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.runtime.NativeRuntime;
import org.resnetspark.spark.ParameterAveraging;
import org.resnetspark.spark.SparkJobs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * First cut of the training job: parameter averaging across Spark workers on seeded synthetic
 * CIFAR-shaped data. The datasets, the paper's schedule, checkpoints and metrics come next.
 */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Train a model with parameter averaging across Spark workers "
                + "(first cut: seeded synthetic CIFAR-shaped data).")
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

    @Option(names = "--train-size", defaultValue = "2560", description = "Synthetic training images.")
    int trainSize;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for weights and data.")
    long seed;

    @Option(names = "--out", description = "Where to write model.zip: a Hadoop URI (file://, hdfs://, s3a://) or a local path.")
    String out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        ModelSpec netSpec = ModelRegistry.parse(model);
        if (trainSize < 1 || epochs < 1) {
            throw new IllegalArgumentException("--train-size and --epochs must be at least 1");
        }
        try (JavaSparkContext sc = SparkJobs.start("train " + netSpec.name())) {
            log.println("runtime: " + NativeRuntime.start());
            ParameterAveraging averaging = new ParameterAveraging(
                    workers != null ? workers : sc.defaultParallelism(), batchPerWorker, averagingFrequency);
            log.printf("%s: %d workers x %d images = effective batch %d, averaging every %d steps%n",
                    netSpec.name(), averaging.workers(), batchPerWorker, averaging.effectiveBatch(), averagingFrequency);

            SyntheticImages images = new SyntheticImages(netSpec.input(), netSpec.numClasses(), seed);
            int batches = Math.max(1, trainSize / batchPerWorker);
            JavaRDD<DataSet> train = sc.parallelize(images.batches(batches, batchPerWorker, seed), averaging.workers());
            DataSet probe = images.batch(256, -1);

            ComputationGraph net = netSpec.build(NetworkOptions.defaults().withSeed(seed));
            SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, averaging.trainingMaster());
            log.printf(Locale.ROOT, "epoch 0: loss %.4f%n", net.score(probe));
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long start = System.nanoTime();
                sparkNet.fit(train);
                double seconds = (System.nanoTime() - start) / 1e9;
                log.printf(Locale.ROOT, "epoch %d: loss %.4f, %.1f s, %.1f images/s%n", epoch,
                        sparkNet.getNetwork().score(probe), seconds, batches * batchPerWorker / seconds);
                log.flush();
            }
            if (out != null) {
                URI written = save(sparkNet.getNetwork(), out, sc.hadoopConfiguration());
                log.println("model written to " + written);
            }
        }
        log.flush();
        return 0;
    }

    /** Writes model.zip under {@code dir} through Hadoop's file system, via a temporary name. */
    static URI save(ComputationGraph net, String dir, Configuration hadoop) throws Exception {
        Path folder = new Path(URI.create(dir));
        FileSystem fs = FileSystem.get(folder.toUri(), hadoop);
        fs.mkdirs(folder);
        Path target = new Path(folder, "model.zip");
        Path temporary = new Path(folder, ".model.zip.partial");
        try (OutputStream stream = fs.create(temporary, true)) {
            ModelSerializer.writeModel(net, stream, true);
        }
        fs.delete(target, false);
        if (!fs.rename(temporary, target)) {
            throw new IllegalStateException("Could not rename " + temporary + " to " + target);
        }
        return fs.makeQualified(target).toUri();
    }

    static List<String> usageExamples() {
        return List.of("train --model resnet20 --workers 2 --batch-per-worker 64 --out file:///tmp/run1");
    }
}
