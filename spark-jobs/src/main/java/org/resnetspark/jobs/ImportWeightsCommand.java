package org.resnetspark.jobs;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.resnetspark.data.Normalization;
import org.resnetspark.models.NetworkOptions;
import org.resnetspark.models.ResNetSpec;
import org.resnetspark.pytorch.PyTorchWeights;
import org.resnetspark.pytorch.ReferenceLayout;
import org.resnetspark.pytorch.TorchCheckpoint;
import org.resnetspark.pytorch.TorchTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "import-weights", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Turn a PyTorch checkpoint (torch.save, zip or legacy format; a state_dict or a dict holding one "
                + "under 'state_dict'; 'module.' prefixes of DataParallel removed) into a model.zip that evaluate and "
                + "train accept.",
                "Parameter names follow each family's reference code: resnet<6n+2>[-B]: akamaster/pytorch_resnet_cifar10; "
                        + "resnet18..152: torchvision (CIFAR stem); preact<6n+2>: hysts/pytorch_resnet_preact; "
                        + "wrn-<d>-<k>: xternalz/WideResNet-pytorch."})
final class ImportWeightsCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "FILE.pt", description = "The PyTorch checkpoint.")
    Path from;

    @Option(names = "--model", required = true, description = "The model the weights were trained as, e.g. resnet56.")
    String model;

    @Option(names = "--out", required = true, paramLabel = "model.zip", description = "Where to write the model (a local file).")
    Path out;

    @Option(names = "--mean", defaultValue = "0.485,0.456,0.406", paramLabel = "R,G,B",
            description = "Per-channel mean the weights expect, on pixels scaled to [0, 1] (pytorch_resnet_cifar10's).")
    String mean;

    @Option(names = "--std", defaultValue = "0.229,0.224,0.225", paramLabel = "R,G,B",
            description = "Per-channel standard deviation the weights expect, on pixels scaled to [0, 1].")
    String std;

    @Option(names = "--image-size", defaultValue = "32", description = "Height and width of the images the model classifies.")
    int imageSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(from)) {
            throw new IllegalArgumentException("--from " + from + " is not a file: give a checkpoint written by torch.save");
        }
        Map<String, TorchTensor> stateDict = TorchCheckpoint.readStateDict(from);
        ResNetSpec resnet = PyTorchWeights.specFor(model, stateDict, imageSize);
        ComputationGraph net = new ComputationGraph(resnet.configuration(NetworkOptions.defaults()));
        net.init();
        PyTorchWeights.load(net, resnet, stateDict, from.toString());
        Normalization normalization = Normalization.channelMeanStd(resnet.input(), channels("--mean", mean), channels("--std", std));
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        ModelSerializer.writeModel(net, partial.toFile(), true, normalization);
        Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "%s: %d tensors in the layout of %s -> %s (%d classes, %s inputs, normalisation %s)%n",
                from, stateDict.size(), ReferenceLayout.of(resnet).code(), resnet.name(), resnet.numClasses(), resnet.input(),
                normalization);
        console.println("model written to " + out + "; evaluate it with: evaluate --model-path " + out + " --dataset cifar10");
        console.flush();
        return 0;
    }

    private static double[] channels(String option, String values) {
        try {
            return Arrays.stream(values.split(",")).mapToDouble(v -> Double.parseDouble(v.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + values + "' is not a comma-separated list of numbers, e.g. 0.5,0.5,0.5");
        }
    }
}
