package org.resnetspark.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.runtime.NativeRuntime;
import org.resnetspark.spark.ClusterEvents;
import org.resnetspark.spark.DistributedTraining;
import org.resnetspark.spark.data.DistributedData;
import org.resnetspark.spark.ParameterAveraging;
import org.resnetspark.spark.SparkJobs;
import org.resnetspark.training.RunFolder;
import org.resnetspark.training.RunLock;
import org.resnetspark.training.TrainingRecipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The training job: parameter averaging across Spark workers on a dataset prepared by the
 * paper's protocol, with the paper's recipe, and a run folder of metrics, checkpoints and the
 * final model.
 */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Train a model with parameter averaging across Spark workers. Defaults are He et al. 2015's "
                + "CIFAR-10 recipe: effective batch 128, SGD momentum 0.9, weight decay 1e-4, learning rate 0.1 "
                + "divided by 10 at 32k and 48k iterations, 64k iterations.",
                "Writes to --out: metrics.jsonl (one line per epoch), checkpoints/, run.json and model.zip."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "resnet20", description = "Model name (see 'models').")
    String model;

    @Option(names = "--workers", description = "Parallel workers, one per core slot or GPU (default: Spark's default parallelism).")
    Integer workers;

    @Option(names = "--batch", description = "Effective batch: images per global step over all workers (default: 128).")
    Integer batch;

    @Option(names = "--batch-per-worker", description = "Images per step on each worker, instead of --batch.")
    Integer batchPerWorker;

    @Option(names = "--averaging-frequency", defaultValue = "5",
            description = "Local steps between averaging rounds (1 = synchronous SGD at the effective batch).")
    int averagingFrequency;

    @Option(names = "--single-machine", description = "One worker, no averaging: a single-machine baseline on the same data path.")
    boolean singleMachine;

    @Mixin
    RecipeOptions recipeOptions;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    SplitOptions splitOptions;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for weights, split, shuffling and augmentation.")
    long seed;

    @Option(names = "--out", paramLabel = "URI",
            description = "Run folder: a Hadoop URI (file://, hdfs://, s3a://) or a local path (default: runs/<model>-seed<seed>).")
    String out;

    @Option(names = "--resume", description = "Continue from the newest complete checkpoint in --out: the same model, "
            + "dataset, seed, effective batch and recipe as run.json records (a longer schedule is fine).")
    boolean resume;

    @Option(names = "--allow-recipe-change", description = "With --resume: continue with another learning rate, "
            + "momentum, weight decay or warmup than the run started with (recorded in run.json).")
    boolean allowRecipeChange;

    @Option(names = "--checkpoint-every", defaultValue = "1", description = "Epochs between checkpoints.")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", defaultValue = "3", description = "Checkpoints kept (the newest).")
    int keepCheckpoints;

    @Option(names = "--train-eval-size", defaultValue = "5000",
            description = "Training images (unaugmented) whose error is reported each epoch.")
    int trainEvalSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        ModelRegistry.parse(model);   // an unknown model name fails before Spark starts
        if (checkpointEvery < 1 || keepCheckpoints < 1 || trainEvalSize < 1) {
            throw new IllegalArgumentException("--checkpoint-every, --keep-checkpoints and --train-eval-size must be at least 1");
        }
        long start = System.nanoTime();
        RunLock lock = null;
        try (JavaSparkContext sc = SparkJobs.start("train " + model)) {
            String runtime = NativeRuntime.start();
            console.println("runtime: " + runtime);
            // Opened before the data is read, so that a missing s3a:// connector fails at once.
            RunFolder givenOut = out == null ? null : new RunFolder(out, sc.hadoopConfiguration());
            ParameterAveraging averaging = averaging(sc.defaultParallelism());
            DistributedData data = dataOptions.prepare(sc, splitOptions, seed, console);
            data.check();   // the executors read every file now: bad data stops the job before training
            console.println(data.summary());
            ModelSpec netSpec = ModelRegistry.parse(model, data.numClasses(), data.shape());
            int perEpoch = DistributedTraining.iterationsPerEpoch(data.train().count(), averaging.effectiveBatch());
            TrainingRecipe recipe = recipeOptions.recipe(perEpoch);
            console.printf("%s: %d workers x %d images = effective batch %d, averaging every %d steps; "
                            + "%d iterations (%d per epoch), learning rate %s%n",
                    netSpec.name(), averaging.workers(), averaging.batchPerWorker(), averaging.effectiveBatch(),
                    averagingFrequency, recipe.maxIterations(), perEpoch, recipe.baseRate(averaging.effectiveBatch()));

            RunFolder run = givenOut != null ? givenOut
                    : new RunFolder("runs/" + netSpec.name() + "-seed" + seed, sc.hadoopConfiguration());
            lock = RunLock.acquire(run);
            Map<String, Object> info = runInfo(sc, netSpec, data, averaging, recipe, runtime);
            if (run.exists(RunFolder.RUN)) {
                if (!resume) {
                    throw new IllegalStateException(run.root() + " already holds a run (its run.json): add --resume to "
                            + "continue it, or give another --out");
                }
                requireSameExperiment(run, info);
            }
            run.writeString(RunFolder.RUN, DistributedTraining.json(info));
            console.println("run folder: " + run.root());

            var settings = new DistributedTraining.Settings(netSpec, recipe, averaging, seed, checkpointEvery,
                    keepCheckpoints, trainEvalSize, resume);
            ComputationGraph trained;
            RunEnding ending = new RunEnding(run, info);
            try {
                trained = new DistributedTraining(sc, settings, data, run, console).run(info);
                run.writeAtomically(RunFolder.MODEL, stream -> ModelSerializer.writeModel(trained, stream, true, data.normalization()));
            } catch (DistributedTraining.DivergedException e) {
                recordClusterEvents(sc, info);
                ending.record("diverged", e.getMessage());
                throw e;
            } catch (Exception | Error e) {
                ending.record("failed", e.toString());
                throw e;
            } finally {
                ending.close();
            }
            info.put("status", "finished");
            info.put("finished", Instant.now().toString());
            recordClusterEvents(sc, info);
            info.put("wall_seconds", (System.nanoTime() - start) / 1e9);
            run.writeString(RunFolder.RUN, DistributedTraining.json(info));
            console.println("model written to " + run.resolve(RunFolder.MODEL));
            console.println("next: per-epoch metrics in metrics.jsonl, test accuracy in eval.json; compare runs with "
                    + "'submit-scripts/run.sh report " + run.root() + " OTHER_RUN...'");
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
        console.flush();
        return 0;
    }

    /** Executors lost and tasks failed during the run, as the cluster listener saw them. */
    private static void recordClusterEvents(JavaSparkContext sc, Map<String, Object> info) {
        ClusterEvents events = ClusterEvents.of(sc.sc());
        if (events != null) {
            info.put("cluster_events", events.summary());
        }
    }

    /** Workers and batch per worker from --workers, --batch, --batch-per-worker and --single-machine. */
    ParameterAveraging averaging(int defaultParallelism) {
        if (batch != null && batchPerWorker != null) {
            throw new IllegalArgumentException("Give --batch (effective) or --batch-per-worker, not both");
        }
        if (workers != null && workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
        }
        int n = singleMachine ? 1 : workers != null ? workers : defaultParallelism;
        if (singleMachine && workers != null && workers != 1) {
            throw new IllegalArgumentException("--single-machine trains one worker; drop --workers " + workers);
        }
        if (batchPerWorker != null) {
            return new ParameterAveraging(n, batchPerWorker, averagingFrequency);
        }
        int effective = batch != null ? batch : 128;
        if (effective % n != 0) {
            throw new IllegalArgumentException("--batch " + effective + " does not divide over " + n + " workers; use a multiple of "
                    + n + " (e.g. " + (effective / n + 1) * n + ") or give --batch-per-worker");
        }
        return new ParameterAveraging(n, effective / n, averagingFrequency);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a resumed run must share with the run it continues: otherwise it is another experiment. */
    private static final List<String> EXPERIMENT = List.of("model", "dataset", "seed", "effective_batch");
    /** Recipe entries that change the experiment too, unless --allow-recipe-change (max_iterations and lr_drops may grow). */
    private static final List<String> RECIPE = List.of("learning_rate", "momentum", "nesterov", "weight_decay", "warmup",
            "linear_scaling");

    /** Refuses to resume a run folder with another experiment's settings, naming both values. */
    private void requireSameExperiment(RunFolder run, Map<String, Object> now) throws IOException {
        Map<String, Object> before = JSON.readValue(run.readString(RunFolder.RUN), new TypeReference<Map<String, Object>>() { });
        List<String> differences = new ArrayList<>();
        for (String key : EXPERIMENT) {
            differ(key, before.get(key), now.get(key), differences);
        }
        if (!allowRecipeChange && before.get("recipe") instanceof Map<?, ?> recipeBefore
                && now.get("recipe") instanceof Map<?, ?> recipeNow) {
            for (String key : RECIPE) {
                differ("recipe " + key, recipeBefore.get(key), recipeNow.get(key), differences);
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(run.root() + " holds another experiment: " + String.join("; ", differences)
                    + ". Resume it with its own settings, add --allow-recipe-change for a deliberate change of the "
                    + "recipe, or give another --out.");
        }
    }

    private static void differ(String key, Object before, Object now, List<String> differences) {
        if (before != null && !String.valueOf(before).equals(String.valueOf(now))) {
            differences.add(key + " was " + before + ", now " + now);
        }
    }

    private Map<String, Object> runInfo(JavaSparkContext sc, ModelSpec netSpec, DistributedData data,
                                        ParameterAveraging averaging, TrainingRecipe recipe, String runtime) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("status", "running");
        info.put("started", Instant.now().toString());
        info.put("model", netSpec.name());
        info.put("dataset", data.name());
        info.put("data", dataOptions.recorded());
        info.put("train_images", data.train().count());
        info.put("validation_images", data.validation().count());
        info.put("seed", seed);
        info.put("workers", averaging.workers());
        info.put("batch_per_worker", averaging.batchPerWorker());
        info.put("effective_batch", averaging.effectiveBatch());
        info.put("averaging_frequency", averaging.averagingFrequency());
        info.put("recipe", Map.of("learning_rate", recipe.learningRate(), "base_rate", recipe.baseRate(averaging.effectiveBatch()),
                "momentum", recipe.momentum(), "nesterov", recipe.nesterov(), "weight_decay", recipe.weightDecay(),
                "lr_drops", recipe.lrDrops(), "max_iterations", recipe.maxIterations(), "warmup", recipe.warmup().name().toLowerCase(),
                "warmup_epochs", recipe.warmupEpochs(), "linear_scaling", recipe.linearScaling()));
        info.put("command_line", String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        info.put("versions", Map.of("train_job", String.valueOf(Main.class.getPackage().getImplementationVersion()),
                "deeplearning4j", "1.0.0-M2.1", "spark", sc.version(), "java", System.getProperty("java.version")));
        info.put("runtime", runtime);
        info.put("cluster", Map.of("master", sc.master(), "default_parallelism", sc.defaultParallelism(),
                "executors", sc.sc().getExecutorMemoryStatus().size()));
        return info;
    }
}
