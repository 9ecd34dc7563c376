package org.resnetspark.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A gradient check by central differences, parameter by parameter and addressed by name.
 * (DL4J's GradientCheckUtil labels graph parameters by the order of the parameter table, which
 * does not follow the flattened parameter order in graphs with projection branches, so its name
 * based exclusions miss the batch-norm statistics there.)
 */
public final class FiniteDifferences {

    private FiniteDifferences() {
    }

    /**
     * Returns one line per parameter element whose analytic and numerical gradients disagree.
     * The net must be double precision; parameters whose name ends with one of
     * {@code skippedSuffixes} (running statistics, not trained by gradient) are not checked.
     */
    public static List<String> mismatches(ComputationGraph net, DataSet data, double epsilon, double maxRelativeError,
                                          List<String> skippedSuffixes) {
        net.setInput(0, data.getFeatures());
        net.setLabels(data.getLabels());
        net.computeGradientAndScore();
        Map<String, INDArray> analytic = net.gradient().gradientForVariable();
        long batchSize = data.getFeatures().size(0);

        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, INDArray> entry : net.paramTable().entrySet()) {
            String name = entry.getKey();
            if (skippedSuffixes.stream().anyMatch(name::endsWith)) {
                continue;
            }
            // A view into the network's parameters, addressed by linear index (a reshape of an
            // 'f'-ordered weight matrix would be a copy).
            INDArray param = entry.getValue();
            INDArray gradient = analytic.get(name);
            for (long i = 0; i < param.length(); i++) {
                double original = param.getDouble(i);
                param.putScalar(i, original + epsilon);
                double plus = net.score(data, true);
                param.putScalar(i, original - epsilon);
                double minus = net.score(data, true);
                param.putScalar(i, original);
                double numerical = (plus - minus) / (2 * epsilon);
                // DL4J sums gradients over the minibatch; its updater divides by the batch size.
                double a = gradient.getDouble(i) / batchSize;
                double error = Math.abs(a - numerical) / Math.max(Math.abs(a) + Math.abs(numerical), 1e-12);
                if (error > maxRelativeError && Math.abs(a - numerical) > 1e-8) {
                    failures.add(name + "[" + i + "]: analytic " + a + ", numerical " + numerical);
                }
                checked++;
            }
        }
        if (checked == 0) {
            failures.add("no parameter was checked");
        }
        return failures;
    }
}
