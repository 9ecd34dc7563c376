package org.resnetspark.jobs;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"List the registered models with their trainable parameters and forward cost per 32x32 image.",
                "Names: " + ModelRegistry.ACCEPTED})
final class ModelsCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "MODEL", description = "Models to describe (default: the paper's networks).")
    List<String> names;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> models = names == null || names.isEmpty() ? ModelRegistry.PAPER_MODELS : names;
        if (!json) {
            out.printf("%-12s %6s %9s %12s %12s%n", "model", "depth", "params", "MMACs/image", "MFLOPs/image");
        }
        for (String name : models) {
            ModelSummary s = ModelSummary.of(name);
            if (json) {
                out.printf("{\"model\":\"%s\",\"weight_layers\":%d,\"parameters\":%d,\"multiply_adds\":%d,\"flops\":%d}%n",
                        s.name(), s.weightLayers(), s.trainableParameters(), s.multiplyAdds(), 2 * s.multiplyAdds());
            } else {
                out.printf("%-12s %6d %8.2fM %12.1f %12.1f%n", s.name(), ModelRegistry.parse(name).depth(),
                        s.trainableParameters() / 1e6, s.multiplyAdds() / 1e6, 2 * s.multiplyAdds() / 1e6);
            }
        }
        if (!json) {
            out.println("params: trained parameters (weights, biases, batch-norm scale and shift), as the papers count them.");
            out.println("MMACs: forward multiply-accumulates (what the papers call FLOPs); MFLOPs counts each as 2.");
        }
        out.flush();
        return 0;
    }
}
