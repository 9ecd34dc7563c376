package org.resnetspark.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.resnetspark.models.ModelSummary;
import org.resnetspark.training.RunFolder;
import org.resnetspark.training.RunJson;

/**
 * An eval.json: a model's accuracy on one split, with the per-class accuracies and the confusion
 * matrix (rows: actual class, columns: predicted), written by the evaluation job and at the end
 * of training.
 *
 * @param model        the model's registry name
 * @param modelPath    where the evaluated model is stored
 * @param top5Accuracy for more than 10 classes
 * @param classNames   the dataset's names of its classes, in label order (absent: the labels are the names)
 */
public record EvaluationReport(String model, String modelPath, long parameters, String dataset, String split, long images,
                               double accuracy, double errorPercent, Double top5Accuracy, List<String> classNames,
                               List<Double> perClassAccuracy, List<List<Integer>> confusionMatrix) {

    public static EvaluationReport of(Evaluation evaluation, int numClasses, List<String> classNames, String model,
                                      String modelPath, ComputationGraph net, String dataset, String split, long images) {
        List<Double> perClass = new ArrayList<>();
        List<List<Integer>> confusion = new ArrayList<>();
        for (int actual = 0; actual < numClasses; actual++) {
            int total = 0;
            List<Integer> row = new ArrayList<>();
            for (int predicted = 0; predicted < numClasses; predicted++) {
                int count = evaluation.getConfusionMatrix().getCount(actual, predicted);
                row.add(count);
                total += count;
            }
            confusion.add(row);
            perClass.add(total == 0 ? null : row.get(actual) / (double) total);
        }
        return new EvaluationReport(model, modelPath, ModelSummary.trainableParameters(net.getConfiguration()), dataset,
                split, images, evaluation.accuracy(), 100 * (1 - evaluation.accuracy()),
                numClasses > 10 ? evaluation.topNAccuracy() : null, classNames, perClass, confusion);
    }

    /** Writes the report as {@code fileName} (see {@link RunFolder#EVAL}) in {@code folder}. */
    public void write(RunFolder folder, String fileName) throws IOException {
        folder.writeString(fileName, RunJson.pretty(this));
    }
}
