package org.resnetspark.jobs;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.resnetspark.data.InputShape;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.ModelSummary;
import org.resnetspark.models.NetworkOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"List models with their trained parameters and forward cost per 32x32 image, "
                + "or describe one layer by layer.",
                "Names: " + ModelRegistry.ACCEPTED})
final class ModelsCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "MODEL", description = "Models to list (default: the papers' networks).")
    List<String> names;

    @Option(names = "--describe", paramLabel = "MODEL", description = "Print MODEL layer by layer: names, shapes, parameters.")
    String describe;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (describe != null) {
            describe(out, ModelRegistry.parse(describe));
        } else {
            list(out, names == null || names.isEmpty() ? ModelRegistry.PAPER_MODELS : names);
        }
        out.flush();
        return 0;
    }

    private void list(PrintWriter out, List<String> models) {
        if (!json) {
            out.printf("%-28s %6s %10s %12s %12s%n", "model", "depth", "params", "MMACs/image", "MFLOPs/image");
        }
        for (String name : models) {
            ModelSpec model = ModelRegistry.parse(name);
            ModelSummary s = ModelSummary.of(model);
            if (json) {
                out.printf(Locale.ROOT, "{\"model\":\"%s\",\"depth\":%d,\"parameters\":%d,\"batch_norm_parameters\":%d,"
                                + "\"multiply_adds\":%d,\"flops\":%d}%n", s.name(), model.depth(), s.trainableParameters(),
                        s.batchNormParameters(), s.multiplyAdds(), 2 * s.multiplyAdds());
            } else {
                out.printf(Locale.ROOT, "%-28s %6d %9.2fM %12.1f %12.1f%n", s.name(), model.depth(),
                        s.trainableParameters() / 1e6, s.multiplyAdds() / 1e6, 2 * s.multiplyAdds() / 1e6);
            }
        }
        if (!json) {
            out.println("params: trained parameters (weights, biases, batch-norm scale and shift).");
            out.println("MMACs: forward multiply-accumulates (what the papers call FLOPs); MFLOPs counts each as 2.");
        }
    }

    private static void describe(PrintWriter out, ModelSpec model) {
        ModelSummary s = ModelSummary.of(model);
        InputShape in = model.input();
        out.printf(Locale.ROOT, "%s: depth %d, %d classes, input %s, %,d trained parameters (%,d in batch norm), "
                        + "%.1f M multiply-adds per image%n%n", s.name(), model.depth(), model.numClasses(), in,
                s.trainableParameters(), s.batchNormParameters(), s.multiplyAdds() / 1e6);
        // DL4J's own table: vertex names, types, nIn/nOut, parameter counts and shapes, activation shapes.
        out.println(model.build(NetworkOptions.defaults())
                .summary(InputType.convolutional(in.height(), in.width(), in.channels())));
    }
}
