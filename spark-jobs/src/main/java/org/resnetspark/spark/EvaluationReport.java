package org.resnetspark.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.resnetspark.models.ModelSummary;

/** The content of eval.json, written by the evaluation job and at the end of training. */
public final class EvaluationReport {

    private EvaluationReport() {
    }

    /**
     * @param model     the model's registry name
     * @param modelPath where the evaluated model is stored
     */
    public static Map<String, Object> of(Evaluation evaluation, int numClasses, String model, String modelPath,
                                         ComputationGraph net, String dataset, String split, long images) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", model);
        result.put("model_path", modelPath);
        result.put("parameters", ModelSummary.trainableParameters(net.getConfiguration()));
        result.put("dataset", dataset);
        result.put("split", split);
        result.put("images", images);
        result.put("accuracy", evaluation.accuracy());
        result.put("error_percent", 100 * (1 - evaluation.accuracy()));
        if (numClasses > 10) {
            result.put("top5_accuracy", evaluation.topNAccuracy());
        }
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
        result.put("per_class_accuracy", perClass);
        result.put("confusion_matrix", confusion);
        return result;
    }

}
