package org.resnetspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.resnetspark.data.Normalization;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.runtime.NativeRuntime;
import org.resnetspark.spark.ClusterEvents;
import org.resnetspark.spark.DistributedTraining;
import org.resnetspark.spark.data.DistributedData;
import org.resnetspark.spark.ParameterAveraging;
import org.resnetspark.spark.SparkJobs;
import org.resnetspark.training.RunFolder;
import org.resnetspark.training.SavedModel;
import org.resnetspark.training.RunLock;
import org.resnetspark.training.RunRecord;
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

    @Option(names = "--init-weights", paramLabel = "URI",
            description = "Fine-tune: start from the weights of a model.zip (one import-weights wrote, or another run's) "
                    + "and train on the input normalisation saved in it. It must hold the --model's network.")
    String initWeights;

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
        // Known before Spark starts when given: a single worker in local mode gets every core.
        int knownWorkers = singleMachine ? 1 : workers != null ? workers : 0;
        try (JavaSparkContext sc = SparkJobs.start("train " + model, knownWorkers)) {
            String runtime = NativeRuntime.start();
            console.println("runtime: " + runtime);
            // Opened before the data is read, so that a missing s3a:// connector fails at once.
            RunFolder givenOut = out == null ? null : new RunFolder(out, sc.hadoopConfiguration());
            ParameterAveraging averaging = averaging(sc.defaultParallelism());
            DistributedData data = dataOptions.prepare(sc, splitOptions, seed, console);
            // Before the training split's statistics are computed: a fine-tuned model brings its own.
            INDArray initial = initWeights == null ? null
                    : initialWeights(sc, ModelRegistry.parse(model, data.numClasses(), data.shape()), data);
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
            RunRecord.Setup setup = setup(sc, netSpec, data, averaging, recipe, runtime);
            if (run.exists(RunFolder.RUN)) {
                if (!resume) {
                    throw new IllegalStateException(run.root() + " already holds a run (its run.json): add --resume to "
                            + "continue it, or give another --out");
                }
                requireSameExperiment(run, setup);
            }
            RunRecord started = RunRecord.starting(setup);
            started.write(run);
            console.println("run folder: " + run.root());

            var settings = new DistributedTraining.Settings(netSpec, recipe, averaging, seed, checkpointEvery,
                    keepCheckpoints, trainEvalSize, resume, initial);
            DistributedTraining.Result trained;
            RunEnding ending = new RunEnding(run, started, () -> ClusterEvents.history(sc.sc()));
            try {
                trained = new DistributedTraining(sc, settings, data, run, console).run();
                run.writeAtomically(RunFolder.MODEL,
                        stream -> ModelSerializer.writeModel(trained.net(), stream, true, data.normalization()));
            } catch (DistributedTraining.DivergedException e) {
                ending.record(RunRecord.Status.DIVERGED, e.getMessage());
                throw e;
            } catch (Exception | Error e) {
                ending.record(RunRecord.Status.FAILED, e.toString());
                throw e;
            } finally {
                ending.close();
            }
            started.finished(trained.trained(), (System.nanoTime() - start) / 1e9, ClusterEvents.history(sc.sc())).write(run);
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

    /**
     * The parameters of --init-weights, checked to be the model's network; its normalisation (if
     * it holds one) becomes the data's, since its weights expect their inputs normalised so.
     */
    private INDArray initialWeights(JavaSparkContext sc, ModelSpec netSpec, DistributedData data) throws IOException {
        SavedModel saved = SavedModel.read(initWeights, sc.hadoopConfiguration(),
                "Give --init-weights a model.zip that import-weights or train wrote.");
        ComputationGraph initial = saved.net();
        Normalization normalization = saved.normalization();
        ComputationGraph fresh = netSpec.build(NetworkOptions.defaults());
        if (!fresh.getConfiguration().getVertices().keySet().equals(initial.getConfiguration().getVertices().keySet())
                || fresh.numParams() != initial.numParams()) {
            throw new IllegalArgumentException("--init-weights " + initWeights + " holds another network than "
                    + netSpec.name() + " (" + initial.numParams() + " parameters, " + netSpec.name() + " has "
                    + fresh.numParams() + "): give the --model it is");
        }
        if (normalization != null) {
            data.useNormalization(normalization);
        }
        return initial.params();
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

    /** A setting of run.json, by the name it has there. */
    private record Setting<T>(String name, Function<T, Object> value) {
        void compare(T before, T now, List<String> differences) {
            Object was = value.apply(before);
            Object is = value.apply(now);
            if (was != null && !String.valueOf(was).equals(String.valueOf(is))) {
                differences.add(name + " was " + was + ", now " + is);
            }
        }
    }

    /** What a resumed run must share with the run it continues: otherwise it is another experiment. */
    private static final List<Setting<RunRecord.Setup>> EXPERIMENT = List.of(
            new Setting<>("model", RunRecord.Setup::model), new Setting<>("dataset", RunRecord.Setup::dataset),
            new Setting<>("seed", RunRecord.Setup::seed), new Setting<>("effective_batch", RunRecord.Setup::effectiveBatch),
            new Setting<>("init_weights", RunRecord.Setup::initWeights));
    /** Recipe entries that change the experiment too, unless --allow-recipe-change (max_iterations and lr_drops may grow). */
    private static final List<Setting<RunRecord.Recipe>> RECIPE = List.of(
            new Setting<>("recipe learning_rate", RunRecord.Recipe::learningRate),
            new Setting<>("recipe momentum", RunRecord.Recipe::momentum),
            new Setting<>("recipe nesterov", RunRecord.Recipe::nesterov),
            new Setting<>("recipe weight_decay", RunRecord.Recipe::weightDecay),
            new Setting<>("recipe warmup", RunRecord.Recipe::warmup),
            new Setting<>("recipe linear_scaling", RunRecord.Recipe::linearScaling));

    /** Refuses to resume a run folder with another experiment's settings, naming both values. */
    private void requireSameExperiment(RunFolder run, RunRecord.Setup now) throws IOException {
        RunRecord.Setup before = RunRecord.read(run).setup();
        List<String> differences = new ArrayList<>();
        EXPERIMENT.forEach(setting -> setting.compare(before, now, differences));
        if (!allowRecipeChange && before.recipe() != null) {
            RECIPE.forEach(setting -> setting.compare(before.recipe(), now.recipe(), differences));
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(run.root() + " holds another experiment: " + String.join("; ", differences)
                    + ". Resume it with its own settings, add --allow-recipe-change for a deliberate change of the "
                    + "recipe, or give another --out.");
        }
    }

    private RunRecord.Setup setup(JavaSparkContext sc, ModelSpec netSpec, DistributedData data,
                                  ParameterAveraging averaging, TrainingRecipe recipe, String runtime) {
        return new RunRecord.Setup(netSpec.name(), data.name(), dataOptions.recorded(),
                data.classNames().isEmpty() ? null : data.classNames(), data.train().count(), data.validation().count(),
                seed, averaging.workers(), averaging.batchPerWorker(), averaging.effectiveBatch(),
                averaging.averagingFrequency(), RunRecord.Recipe.of(recipe, averaging.effectiveBatch()),
                String.join(" ", spec.commandLine().getParseResult().originalArgs()),
                new RunRecord.Versions(String.valueOf(Main.class.getPackage().getImplementationVersion()), "1.0.0-M2.1",
                        sc.version(), System.getProperty("java.version")),
                runtime, new RunRecord.Cluster(sc.master(), sc.defaultParallelism(),
                        sc.sc().getExecutorMemoryStatus().size()), initWeights);
    }
}
