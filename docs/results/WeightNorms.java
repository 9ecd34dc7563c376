import java.io.File;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sum of a trained model's squared weights (convolutions and classifier; not batch norm), and
 * weight decay's share of its training loss (0.5 * 1e-4 * sum), for README's question 1:
 * {@code java -cp 'spark-jobs/target/train-job.jar:spark-jobs/target/spark-home/jars/*' docs/results/WeightNorms.java
 * RUN/model.zip...} after {@code submit-scripts/run.sh models} (which builds both).
 */
public class WeightNorms {
    public static void main(String[] models) throws Exception {
        for (String model : models) {
            ComputationGraph net = ModelSerializer.restoreComputationGraph(new File(model), false);
            double sum = 0;
            double largest = 0;
            String largestName = "";
            for (Map.Entry<String, INDArray> param : net.paramTable().entrySet()) {
                if (param.getKey().endsWith("_W")) {
                    double norm = param.getValue().castTo(DataType.DOUBLE).norm2Number().doubleValue();
                    sum += norm * norm;
                    if (norm * norm > largest) {
                        largest = norm * norm;
                        largestName = param.getKey();
                    }
                }
            }
            System.out.printf("%s: squared weights sum to %.1f (weight decay's loss term 0.5 * 1e-4 * sum = %.3f); largest %s %.1f%n",
                    model, sum, 0.5e-4 * sum, largestName, largest);
        }
    }
}
