package org.resnetspark.training;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.resnetspark.data.BadInputException;

/**
 * One line of a run folder's metrics.jsonl: what an epoch measured. The train job writes the
 * file (all epochs so far, rewritten whole after each); report and resume read it.
 *
 * @param iteration       global iterations at the end of the epoch
 * @param learningRate    the rate of the epoch's last step
 * @param trainLoss       the mean loss of the epoch's last averaging round, on augmented images
 *                        with batch statistics
 * @param trainError      on unaugmented training images, with the running statistics
 * @param validationError on the held-out images, absent without a validation split
 * @param elapsedSeconds  the run's time so far, that of the runs it resumes included
 */
public record EpochMetrics(int epoch, long iteration, double learningRate, double trainLoss, double trainError,
                           Double validationError, double imagesPerSecond, double seconds, double elapsedSeconds,
                           int effectiveBatch) {

    /** The epochs recorded in {@code folder}, in file order; none without a metrics file. */
    public static List<EpochMetrics> readAll(RunFolder folder) throws IOException {
        List<EpochMetrics> epochs = new ArrayList<>();
        if (!folder.exists(RunFolder.METRICS)) {
            return epochs;
        }
        String[] lines = folder.readString(RunFolder.METRICS).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                epochs.add(RunJson.read(lines[i], EpochMetrics.class));
            } catch (JsonProcessingException e) {
                throw new BadInputException(folder.resolve(RunFolder.METRICS) + " line " + (i + 1) + " is not a metrics record ("
                        + e.getOriginalMessage() + "): repair or remove that line.");
            }
        }
        return epochs;
    }

    /** Replaces {@code folder}'s metrics file with these epochs, a line each. */
    public static void writeAll(RunFolder folder, List<EpochMetrics> epochs) throws IOException {
        StringBuilder text = new StringBuilder();
        for (EpochMetrics epoch : epochs) {
            text.append(RunJson.line(epoch)).append('\n');
        }
        folder.writeString(RunFolder.METRICS, text.toString());
    }
}
