package org.resnetspark.training;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.resnetspark.data.BadInputException;

/**
 * A run folder's run.json: what the run is ({@link Setup}, fixed when it starts) and how far it
 * got ({@link Outcome}), as one flat JSON object. The train job writes it when it starts, when it
 * ends and when it stops early; evaluate, sweep and report read it. This file is the format.
 */
public record RunRecord(Setup setup, Outcome outcome) {

    public enum Status {
        @JsonProperty("running") RUNNING,
        @JsonProperty("finished") FINISHED,
        @JsonProperty("diverged") DIVERGED,
        @JsonProperty("failed") FAILED,
        @JsonProperty("interrupted") INTERRUPTED;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What the run is. {@code model}, {@code dataset}, {@code seed} and {@code effectiveBatch}
     * name the experiment: a resumed run must have the same.
     *
     * @param data       where the images came from: what evaluate needs to read the same ones again
     * @param classNames the dataset's names of its classes, in label order (none: the labels are the names)
     * @param initWeights the model.zip whose weights and normalisation training started from (none: He initialisation)
     */
    public record Setup(String model, String dataset, DataLocation data, List<String> classNames, long trainImages,
                        long validationImages, long seed, int workers, int batchPerWorker, int effectiveBatch,
                        int averagingFrequency, Recipe recipe, String commandLine, Versions versions, String runtime,
                        Cluster cluster, String initWeights) {
    }

    /**
     * A --data folder (absent: the download cache), for synthetic images how many were trained on,
     * and for image folders the --resize they were read with.
     */
    public record DataLocation(String uri, Integer trainSize, String resize) {
    }

    /** The recipe as run, with the base rate it gives at the run's effective batch. */
    public record Recipe(double learningRate, double baseRate, double momentum, boolean nesterov, double weightDecay,
                         List<Integer> lrDrops, int maxIterations, String warmup, double warmupEpochs,
                         boolean linearScaling) {

        public static Recipe of(TrainingRecipe recipe, int effectiveBatch) {
            return new Recipe(recipe.learningRate(), recipe.baseRate(effectiveBatch), recipe.momentum(), recipe.nesterov(),
                    recipe.weightDecay(), recipe.lrDrops(), recipe.maxIterations(),
                    recipe.warmup().name().toLowerCase(Locale.ROOT), recipe.warmupEpochs(), recipe.linearScaling());
        }
    }

    public record Versions(String trainJob, String deeplearning4j, String spark, String java) {
    }

    public record Cluster(String master, int defaultParallelism, int executors) {
    }

    /**
     * How far the run got: its status and times, what training measured when it finished, and what
     * happened to the cluster (executors lost, tasks re-run) when it ended.
     */
    public record Outcome(Status status, String started, String finished, String ended, String error,
                          Integer epochs, Long iterations, Double testError, Long testImages, Long parameters,
                          Double totalSeconds, Double wallSeconds, ClusterHistory clusterEvents) {
    }

    /**
     * What the training loop reports at its end.
     *
     * @param testError    on the test split, absent when it has none
     * @param totalSeconds the run's time, that of the runs it resumes included
     */
    public record Trained(int epochs, long iterations, Double testError, Long testImages, long parameters,
                          double totalSeconds) {
    }

    /** Executors lost and tasks failed during the run, oldest first. */
    public record ClusterHistory(int executorsLost, int tasksFailed, List<ClusterEvent> events) {
    }

    /** @param type executor_lost, executor_added or task_failed */
    public record ClusterEvent(String type, String time, String executor, String host, String detail) {
    }

    /** A run that starts now. */
    public static RunRecord starting(Setup setup) {
        return new RunRecord(setup, new Outcome(Status.RUNNING, Instant.now().toString(), null, null, null,
                null, null, null, null, null, null, null, null));
    }

    /** This run, finished now with what training measured. */
    public RunRecord finished(Trained trained, double wallSeconds, ClusterHistory clusterEvents) {
        return new RunRecord(setup, new Outcome(Status.FINISHED, outcome.started(), Instant.now().toString(), null, null,
                trained.epochs(), trained.iterations(), trained.testError(), trained.testImages(), trained.parameters(),
                trained.totalSeconds(), wallSeconds, clusterEvents));
    }

    /** This run, stopped now before its end (diverged, failed or interrupted), with why. */
    public RunRecord stopped(Status status, String error, ClusterHistory clusterEvents) {
        return new RunRecord(setup, new Outcome(status, outcome.started(), null, Instant.now().toString(), error,
                null, null, null, null, null, null, null, clusterEvents));
    }

    public void write(RunFolder folder) throws IOException {
        folder.writeString(RunFolder.RUN, json());
    }

    /** The run.json of {@code folder}; a file that is not one is a {@link BadInputException} naming it. */
    public static RunRecord read(RunFolder folder) throws IOException {
        String text = folder.readString(RunFolder.RUN);
        try {
            return parse(text);
        } catch (JsonProcessingException e) {
            throw new BadInputException(folder.resolve(RunFolder.RUN) + " is not a run record (" + e.getOriginalMessage()
                    + "): repair it, or move it away.");
        }
    }

    /** One flat object: the outcome's fields (status first), then the setup's. */
    String json() {
        ObjectNode flat = (ObjectNode) RunJson.tree(outcome);
        flat.setAll((ObjectNode) RunJson.tree(setup));
        return RunJson.pretty(flat);
    }

    static RunRecord parse(String json) throws JsonProcessingException {
        JsonNode flat = RunJson.parse(json);
        if (!flat.isObject()) {
            throw new com.fasterxml.jackson.core.JsonParseException(null, "a JSON object was expected");
        }
        return new RunRecord(RunJson.read(flat, Setup.class), RunJson.read(flat, Outcome.class));
    }
}
