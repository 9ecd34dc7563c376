package org.resnetspark.experiments;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.resnetspark.training.EpochMetrics;
import org.resnetspark.training.RunFolder;
import org.resnetspark.training.RunRecord;

/** What a report needs from one run folder: its run.json and the epochs of its metrics.jsonl. */
public record RunSummary(String name, RunRecord run, List<EpochMetrics> epochs) {

    public static RunSummary read(String uri, Configuration hadoop) throws IOException {
        RunFolder folder = new RunFolder(uri, hadoop);
        if (!folder.exists(RunFolder.RUN)) {
            throw new IllegalArgumentException(uri + " is not a run folder (no " + RunFolder.RUN + ")");
        }
        return new RunSummary(folder.root().getName(), RunRecord.read(folder), EpochMetrics.readAll(folder));
    }

    public RunRecord.Setup setup() {
        return run.setup();
    }

    public RunRecord.Outcome outcome() {
        return run.outcome();
    }

    public String model() {
        return Objects.requireNonNullElse(setup().model(), "?");
    }

    public String dataset() {
        return Objects.requireNonNullElse(setup().dataset(), "?");
    }

    /** Who trained the run: this project, or PyTorch (submit-scripts/train-pytorch.py, which names itself in the runtime). */
    public String trainer() {
        String runtime = Objects.requireNonNullElse(setup().runtime(), "");
        return runtime.startsWith("pytorch") ? "PyTorch " + runtime.split(" ")[1] : "resnet-spark";
    }

    public String status() {
        return outcome().status() == null ? "?" : outcome().status().toString();
    }

    public Double testError() {
        return outcome().testError();
    }

    public Double bestValidationError() {
        return epochs.stream().map(EpochMetrics::validationError).filter(Objects::nonNull).min(Double::compare).orElse(null);
    }

    public Double meanEpochSeconds() {
        return mean(EpochMetrics::seconds);
    }

    public Double meanImagesPerSecond() {
        return mean(EpochMetrics::imagesPerSecond);
    }

    private Double mean(Function<EpochMetrics, Double> value) {
        return epochs.isEmpty() ? null : epochs.stream().mapToDouble(value::apply).average().getAsDouble();
    }
}
