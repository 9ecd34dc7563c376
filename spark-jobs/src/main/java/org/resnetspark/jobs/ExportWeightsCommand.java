package org.resnetspark.jobs;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.resnetspark.data.Normalization;
import org.resnetspark.models.ResNetSpec;
import org.resnetspark.pytorch.PyTorchWeights;
import org.resnetspark.pytorch.ReferenceLayout;
import org.resnetspark.pytorch.TorchCheckpoint;
import org.resnetspark.training.RunFolder;
import org.resnetspark.training.SavedModel;
import org.resnetspark.training.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export-weights", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Write a model's weights as a PyTorch state_dict (torch.save's zip format) in the names of its "
                + "family's reference code, for module.load_state_dict(torch.load(FILE), strict=True).",
                "The reference modules are in submit-scripts/pytorch_reference.py; the input normalisation the model "
                        + "expects is printed (a state_dict cannot hold it)."})
final class ExportWeightsCommand implements Callable<Integer> {

    @Option(names = "--model-path", required = true, paramLabel = "model.zip",
            description = "A model.zip or checkpoint (a local file), or a run folder (its model.zip).")
    Path modelPath;

    @Option(names = "--model", description = "The model it is, e.g. resnet56 (default: the run.json beside it says).")
    String model;

    @Option(names = "--out", required = true, paramLabel = "FILE.pt", description = "Where to write the state_dict.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path file = Files.isDirectory(modelPath) ? modelPath.resolve(RunFolder.MODEL) : modelPath;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--model-path " + modelPath + " is not a model.zip, checkpoint or run folder with one");
        }
        String name = model != null ? model : modelOfRun(file);
        SavedModel saved = SavedModel.read(file.toString(), new Configuration(), "Give another --model-path.");
        ComputationGraph net = saved.net();
        Normalization normalization = saved.normalization();
        ResNetSpec resnet = PyTorchWeights.specOf(name, net, file.toString());
        var stateDict = PyTorchWeights.stateDict(net, resnet);
        TorchCheckpoint.writeStateDict(out, stateDict);

        PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "%s: %s -> %s, %d tensors in the names of %s%n", file, resnet.name(), out,
                stateDict.size(), ReferenceLayout.of(resnet).code());
        console.println("inputs: pixels scaled to [0, 1], then normalised: "
                + (normalization == null ? "unknown (the model holds no normalisation)" : normalization));
        console.flush();
        return 0;
    }

    /** The model named in the run.json of the run the file belongs to. */
    private static String modelOfRun(Path file) throws Exception {
        Path folder = file.toAbsolutePath().getParent();
        if (folder.getFileName() != null && folder.getFileName().toString().equals(RunFolder.CHECKPOINTS)) {
            folder = folder.getParent();
        }
        RunFolder run = new RunFolder(folder.toString(), new Configuration());
        if (!run.exists(RunFolder.RUN)) {
            throw new IllegalArgumentException("No run.json beside " + file + " says which model it is: give --model");
        }
        return RunRecord.read(run).setup().model();
    }
}
