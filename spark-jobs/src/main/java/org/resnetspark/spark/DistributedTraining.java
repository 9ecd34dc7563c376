package org.resnetspark.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.schedule.ISchedule;
import org.resnetspark.data.Seeds;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.ModelSummary;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.spark.data.DistributedData;
import org.resnetspark.spark.data.Examples;
import org.resnetspark.spark.data.SparkTrainingSet;
import org.resnetspark.training.Checkpoints;
import org.resnetspark.training.EpochMetrics;
import org.resnetspark.training.Progress;
import org.resnetspark.training.RunFolder;
import org.resnetspark.training.RunRecord;
import org.resnetspark.training.SgdMomentum;
import org.resnetspark.training.TrainingRecipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop of the train job: epochs of parameter averaging over the training RDD, the
 * recipe's learning rate by global iteration, evaluation, metrics, checkpoints and resume.
 *
 * <p>Global iterations are optimisation steps at the effective batch: in each averaging round
 * every worker takes the same number of local steps in parallel, so one local step of each
 * worker is one global step. The network's iteration count (which drives the learning-rate
 * schedule on the workers) is set from this count after every epoch.
 */
public final class DistributedTraining {

    private static final Logger log = LoggerFactory.getLogger(DistributedTraining.class);

    /**
     * @param checkpointEvery epochs between checkpoints (the last epoch always gets one)
     * @param trainEvalSize   training images (unaugmented) whose error is reported each epoch
     * @param initialWeights  the parameters a new network starts from (fine-tuning), or null for its initialisation
     */
    public record Settings(ModelSpec model, TrainingRecipe recipe, ParameterAveraging averaging, long seed,
                           int checkpointEvery, int keepCheckpoints, int trainEvalSize, boolean resume,
                           INDArray initialWeights) {
    }

    /** Thrown when the loss stops being a number; the last checkpoint stays the newest. */
    public static final class DivergedException extends IllegalStateException {
        DivergedException(String message) {
            super(message);
        }
    }

    private final JavaSparkContext sc;
    private final Settings settings;
    private final DistributedData data;
    private final RunFolder out;
    private final PrintWriter console;
    private final Checkpoints checkpoints;
    private final List<EpochMetrics> metrics = new ArrayList<>();
    private final TrainingRecipe recipe;
    private final ParameterAveraging averaging;
    private final int perEpoch;
    /** The recipe's rates by global iteration, after any warmup. */
    private final ISchedule schedule;

    public DistributedTraining(JavaSparkContext sc, Settings settings, DistributedData data, RunFolder out, PrintWriter console) {
        this.sc = sc;
        this.settings = settings;
        this.data = data;
        this.out = out;
        this.console = console;
        this.checkpoints = new Checkpoints(out, settings.keepCheckpoints());
        this.recipe = settings.recipe();
        this.averaging = settings.averaging();
        this.perEpoch = iterationsPerEpoch(data.train().count(), averaging.effectiveBatch());
        this.schedule = recipe.schedule(averaging.effectiveBatch(), perEpoch);
    }

    /** Global steps of one epoch at the effective batch. */
    public static int iterationsPerEpoch(long trainImages, int effectiveBatch) {
        return Math.toIntExact((trainImages + effectiveBatch - 1) / effectiveBatch);
    }

    /** The final network, and what run.json records of the training. */
    public record Result(ComputationGraph net, RunRecord.Trained trained) {
    }

    /** Trains to the recipe's last iteration and evaluates the final network on the test split. */
    public Result run() throws IOException {
        State at = resumeOrBuild();
        SparkTrainingSet train = new SparkTrainingSet(data.train(), data.normalization(), data.augmentation(),
                averaging.workers(), averaging.batchPerWorker(), settings.seed());
        SparkComputationGraph sparkNet = null;
        try (SparkEvaluation trainProbe = evaluationSet(data.train().first(settings.trainEvalSize()));
             SparkEvaluation validation = data.validation().count() > 0 ? evaluationSet(data.validation()) : null) {
            while (at.iteration < recipe.maxIterations()) {
                sparkNet = trainEpoch(at, train, trainProbe, validation);
            }
        } finally {
            ReusingTrainingWorker.dropIdleNetworks();   // in local mode the workers' networks are this JVM's memory
        }
        if (sparkNet == null) {   // resumed from a run that had already finished
            sparkNet = new SparkComputationGraph(sc, at.net, averaging.trainingMaster(settings.seed()));
        }
        Evaluation test = evaluateOnTest(sparkNet, at);
        return new Result(at.net, new RunRecord.Trained(at.epoch, at.iteration, test == null ? null : 1 - test.accuracy(),
                test == null ? null : data.testCount(), ModelSummary.of(settings.model()).trainableParameters(),
                at.elapsedSeconds()));
    }

    /**
     * Where the run stands: the network, the counts a checkpoint saves, and the seconds spent so far
     * (those of the runs this one resumes included).
     */
    private static final class State {
        private final long startNanos;
        private final double secondsBefore;
        ComputationGraph net;
        int epoch;
        long iteration;
        boolean warmupDone;

        State(long startNanos, ComputationGraph net, int epoch, long iteration, boolean warmupDone, double secondsBefore) {
            this.startNanos = startNanos;
            this.net = net;
            this.epoch = epoch;
            this.iteration = iteration;
            this.warmupDone = warmupDone;
            this.secondsBefore = secondsBefore;
        }

        double elapsedSeconds() {
            return secondsBefore + secondsSince(startNanos);
        }
    }

    /**
     * The newest readable checkpoint with --resume, a new network otherwise; a run folder that already
     * holds checkpoints is refused without --resume.
     */
    private State resumeOrBuild() throws IOException {
        long startNanos = System.nanoTime();   // loading or building the network counts as the run's time
        var existing = checkpoints.latest();
        if (!settings.resume() && existing.isPresent()) {
            throw new IllegalStateException(out.root() + " already holds a run (checkpoint of epoch " + existing.get().epoch()
                    + "): add --resume to continue it, or give another --out");
        }
        var resumed = settings.resume() ? newestReadable() : Optional.<Loaded>empty();
        if (settings.resume() && resumed.isEmpty()) {
            console.printf("No checkpoint in %s yet: --resume starts from the beginning%n", out.root());
        }
        if (resumed.isEmpty()) {
            boolean warmupDone = recipe.warmup() != TrainingRecipe.Warmup.PAPER;
            ComputationGraph net = settings.model().build(NetworkOptions.defaults()
                    .withSeed(settings.seed())
                    .withL2(recipe.weightDecay())
                    .withUpdater(recipe.updater(scheduleFor(warmupDone))));
            if (settings.initialWeights() != null) {
                net.setParams(settings.initialWeights());
            }
            return new State(startNanos, net, 0, 0, warmupDone, 0);
        }
        var checkpoint = resumed.get().checkpoint();
        State at = new State(startNanos, resumed.get().net(), checkpoint.epoch(), checkpoint.iteration(),
                checkpoint.state().warmupDone(), checkpoint.state().seconds());
        restoreMetrics(at.epoch);
        // The recipe in effect, not the one saved in the checkpoint: --allow-recipe-change may lower the rate.
        SgdMomentum.setSchedule(at.net, scheduleFor(at.warmupDone));
        console.printf("Resuming from %s: epoch %d, iteration %d%n", checkpoint.modelFile(), at.epoch, at.iteration);
        return at;
    }

    /** One epoch: training, the divergence checks, evaluation, the warmup switch, metrics, checkpoint and console line. */
    private SparkComputationGraph trainEpoch(State at, SparkTrainingSet train, SparkEvaluation trainProbe,
                                             SparkEvaluation validation) throws IOException {
        at.epoch++;
        long epochStart = System.nanoTime();
        long steps = Math.min(perEpoch, recipe.maxIterations() - at.iteration);
        SparkComputationGraph sparkNet = fit(at, train, steps);
        double seconds = secondsSince(epochStart);

        double loss = lossOrDiverge(sparkNet, at);
        double trainError = 1 - evaluateOrDiverge(trainProbe, sparkNet, at).accuracy();
        Double validationError = validation != null ? 1 - evaluateOrDiverge(validation, sparkNet, at).accuracy() : null;
        // The rate of the epoch's last step, before any warmup switch takes effect.
        double lr = scheduleFor(at.warmupDone).valueAt((int) Math.max(0, at.iteration - 1), at.epoch);
        endWarmupIfDone(at, trainError);

        EpochMetrics result = new EpochMetrics(at.epoch, at.iteration, lr, loss, trainError, validationError,
                steps * averaging.effectiveBatch() / seconds, seconds, at.elapsedSeconds(), averaging.effectiveBatch());
        appendMetrics(result);
        checkpointIfDue(at, result.elapsedSeconds());
        printEpoch(result);
        return sparkNet;
    }

    /** Trains the network on {@code steps} global steps of the epoch's batches; the state moves to their end. */
    private SparkComputationGraph fit(State at, SparkTrainingSet train, long steps) {
        JavaRDD<DataSet> batches = limit(train.epoch(at.epoch - 1), steps);
        // A master per epoch, seeded by the epoch: a resumed run cuts its rounds as an uninterrupted one.
        var master = averaging.trainingMaster(Seeds.mix(settings.seed(), Seeds.AVERAGING_MASTER, at.epoch));
        var sparkNet = new SparkComputationGraph(sc, at.net, master);
        var progress = new EpochProgress(at.epoch, steps, averaging.effectiveBatch(), console, System.nanoTime());
        try (var watch = FitProgress.watch(sc, master, averaging.workers(), progress)) {
            sparkNet.fit(batches);
        }
        batches.unpersist(false);   // DL4J persists each epoch's batches and never frees them
        at.iteration += steps;
        at.net = sparkNet.getNetwork();
        at.net.getConfiguration().setIterationCount((int) at.iteration);
        at.net.getConfiguration().setEpochCount(at.epoch);
        return sparkNet;
    }

    /** The epoch's training loss, or divergence if it or the parameters are no longer numbers. */
    private double lossOrDiverge(SparkComputationGraph sparkNet, State at) throws IOException {
        double loss = sparkNet.getScore();
        if (!Double.isFinite(loss)) {
            throw diverged(at, "the loss is " + loss);
        }
        // A finite loss can hide parameters that overflowed on the epoch's last steps.
        if (!Double.isFinite(at.net.params().sumNumber().doubleValue())) {
            throw diverged(at, "the parameters hold NaN or infinite values (loss " + loss + ")");
        }
        return loss;
    }

    /** The paper's warmup: the low rate until the training error falls below 80%, the recipe's schedule after. */
    private void endWarmupIfDone(State at, double trainError) {
        if (at.warmupDone || trainError >= TrainingRecipe.PAPER_WARMUP_ERROR) {
            return;
        }
        at.warmupDone = true;
        SgdMomentum.setSchedule(at.net, schedule);
        console.printf(Locale.ROOT, "Warmup done at iteration %d (training error %.1f%% < 80%%): "
                + "learning rate %.3g from now on%n", at.iteration, 100 * trainError, schedule.valueAt((int) at.iteration, at.epoch));
    }

    /** The rates in effect: the warmup's until it is done, then the recipe's. */
    private ISchedule scheduleFor(boolean warmupDone) {
        return warmupDone ? schedule : recipe.warmupSchedule();
    }

    /** Adds the epoch's line to metrics.jsonl, which holds the lines of every epoch so far (a resumed run's included). */
    private void appendMetrics(EpochMetrics epoch) throws IOException {
        metrics.add(epoch);
        EpochMetrics.writeAll(out, metrics);
        log.debug("{}", epoch);
    }

    /** A checkpoint every {@code checkpointEvery} epochs and after the last one. */
    private void checkpointIfDue(State at, double elapsedSeconds) throws IOException {
        boolean last = at.iteration >= recipe.maxIterations();
        if (last || at.epoch % settings.checkpointEvery() == 0) {
            checkpoints.save(at.epoch, at.iteration, new Checkpoints.TrainerState(at.warmupDone, elapsedSeconds),
                    at.net, data.normalization());
        }
    }

    /** The epoch's console line, with the run's ETA at the pace so far. */
    private void printEpoch(EpochMetrics epoch) {
        int totalEpochs = (int) ((recipe.maxIterations() + perEpoch - 1) / perEpoch);
        double eta = epoch.elapsedSeconds() / epoch.iteration() * (recipe.maxIterations() - epoch.iteration());
        console.println(String.format(Locale.ROOT, "epoch %d/%d, iteration %d/%d, lr %.3g, loss %.4f, "
                        + "train error %.2f%%%s, %.1f images/s, %.0f s, ETA %s", epoch.epoch(), totalEpochs, epoch.iteration(),
                recipe.maxIterations(), epoch.learningRate(), epoch.trainLoss(), 100 * epoch.trainError(),
                epoch.validationError() == null ? ""
                        : String.format(Locale.ROOT, ", validation error %.2f%%", 100 * epoch.validationError()),
                epoch.imagesPerSecond(), epoch.seconds(), Progress.format(eta)));
        console.flush();
    }

    /** The final network on the test split, if there is one (null otherwise): eval.json and a console line. */
    private Evaluation evaluateOnTest(SparkComputationGraph sparkNet, State at) throws IOException {
        if (data.testCount() == 0) {
            return null;
        }
        Evaluation test;
        try (SparkEvaluation testSet = evaluationSet(data.test())) {
            test = evaluateOrDiverge(testSet, sparkNet, at);
        }
        EvaluationReport.of(test, data.numClasses(), data.classNames(), settings.model().name(), out.resolve(RunFolder.MODEL).toString(),
                at.net, data.name(), "test", data.testCount()).write(out, RunFolder.EVAL);
        console.printf(Locale.ROOT, "test error %.2f%% on %d images (%s)%n", 100 * (1 - test.accuracy()),
                data.testCount(), out.resolve(RunFolder.EVAL));
        return test;
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private record Loaded(Checkpoints.Checkpoint checkpoint, ComputationGraph net) {
    }

    /**
     * The newest checkpoint that loads: one damaged on disk (a truncated zip) is named and passed
     * over for the one before, which is why several are kept.
     */
    private Optional<Loaded> newestReadable() throws IOException {
        List<Checkpoints.Checkpoint> all = checkpoints.list();
        for (int i = all.size() - 1; i >= 0; i--) {
            Checkpoints.Checkpoint checkpoint = all.get(i);
            try {
                return Optional.of(new Loaded(checkpoint, checkpoints.loadModel(checkpoint)));
            } catch (IOException | RuntimeException e) {
                console.printf("Warning: %s is unreadable (%s)%s%n", out.resolve(checkpoint.modelFile()), e.getMessage(),
                        i > 0 ? "; resuming from the one before" : "");
            }
        }
        if (!all.isEmpty()) {
            throw new IllegalStateException("No checkpoint in " + out.resolve(RunFolder.CHECKPOINTS) + " can be read (see "
                    + "the warnings above): start the run again with another --out, or without --resume after removing it.");
        }
        return Optional.empty();
    }

    /**
     * Divergence at an epoch, with where to go from here: the newest checkpoint from before it if
     * one was written (they are kept), otherwise a fresh start with a lower rate.
     */
    private DivergedException diverged(State at, String what) throws IOException {
        var last = checkpoints.list().stream().filter(c -> c.epoch() < at.epoch)
                .max(java.util.Comparator.comparingInt(Checkpoints.Checkpoint::epoch));
        String next = last.isPresent()
                ? "The last good checkpoint is kept: " + out.resolve(last.get().modelFile()) + ". Continue from it with "
                        + "--resume --allow-recipe-change and a lower --lr (or --warmup for very deep nets)."
                : "No checkpoint was written before it. Start again with a lower --lr (or --warmup for very deep nets).";
        return new DivergedException(String.format(Locale.ROOT, "Training diverged at epoch %d (iteration %d): %s. %s",
                at.epoch, at.iteration, what, next));
    }

    /** An evaluation; NaN predictions (activations that overflowed) are divergence, not a Spark failure. */
    private Evaluation evaluateOrDiverge(SparkEvaluation images, SparkComputationGraph sparkNet, State at) throws IOException {
        try {
            return images.evaluate(sparkNet);
        } catch (Exception e) {   // Scala's SparkException is checked in Java but thrown undeclared
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause.getMessage() != null && cause.getMessage().contains("NaNs present in predictions")) {
                    throw diverged(at, "the network's outputs are NaN");
                }
            }
            throw e;
        }
    }

    /** Images to evaluate on, batched once on the executors for the whole run. */
    private SparkEvaluation evaluationSet(Examples images) {
        return new SparkEvaluation(images, data.normalization(), settings.averaging().workers(),
                Math.max(64, settings.averaging().batchPerWorker()));
    }

    /** The epoch's batches, cut to {@code steps} global steps (each partition is one worker's share). */
    static JavaRDD<DataSet> limit(JavaRDD<DataSet> batches, long steps) {
        return batches.mapPartitions(partition -> new Iterator<DataSet>() {
            long taken;

            @Override
            public boolean hasNext() {
                return taken < steps && partition.hasNext();
            }

            @Override
            public DataSet next() {
                taken++;
                return partition.next();
            }
        });
    }

    /** Keeps the metrics of the epochs a resumed run has already done. */
    private void restoreMetrics(int throughEpoch) throws IOException {
        for (EpochMetrics epoch : EpochMetrics.readAll(out)) {
            if (epoch.epoch() <= throughEpoch) {
                metrics.add(epoch);
            }
        }
    }
}
