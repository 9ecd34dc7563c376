package org.resnetspark.experiments;

import org.resnetspark.training.EpochMetrics;
import org.resnetspark.training.RunRecord;

/** Run records for report tests, with the fields a report shows and the others as the trainer would leave them. */
final class Runs {

    private Runs() {
    }

    static RunRecord record(String model, String dataset, RunRecord.Status status, double testError, int batch, int workers,
                            int averagingFrequency, long parameters, double totalSeconds) {
        var setup = new RunRecord.Setup(model, dataset, null, null, 50_000, 0, 42, workers, batch / workers, batch,
                averagingFrequency, null, null, null, null, null, null);
        var outcome = new RunRecord.Outcome(status, "2026-12-03T10:00:00Z", null, null, null, null, null, testError, 10_000L,
                parameters, totalSeconds, null, null);
        return new RunRecord(setup, outcome);
    }

    /** The record with another recipe and runtime (a PyTorch run names itself in the runtime: "pytorch 1.13.0 threads=2"). */
    static RunRecord with(RunRecord record, RunRecord.Recipe recipe, String runtime) {
        var s = record.setup();
        return new RunRecord(new RunRecord.Setup(s.model(), s.dataset(), s.data(), s.classNames(), s.trainImages(),
                s.validationImages(), s.seed(), s.workers(), s.batchPerWorker(), s.effectiveBatch(), s.averagingFrequency(), recipe,
                s.commandLine(), s.versions(), runtime, s.cluster(), s.initWeights()), record.outcome());
    }

    static EpochMetrics epoch(int epoch, double trainLoss, double trainError, Double validationError, double seconds,
                              double imagesPerSecond) {
        return new EpochMetrics(epoch, 100L * epoch, 0.1, trainLoss, trainError, validationError, imagesPerSecond, seconds,
                seconds * epoch, 128);
    }
}
