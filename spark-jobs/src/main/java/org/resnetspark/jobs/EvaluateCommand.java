package org.resnetspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.resnetspark.data.HadoopFileSystems;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.Normalization;
import org.resnetspark.runtime.NativeRuntime;
import org.resnetspark.spark.EvaluationReport;
import org.resnetspark.spark.ParameterAveraging;
import org.resnetspark.spark.SparkEvaluation;
import org.resnetspark.spark.SparkJobs;
import org.resnetspark.spark.data.DistributedData;
import org.resnetspark.spark.data.Examples;
import org.resnetspark.training.Checkpoints;
import org.resnetspark.training.RunFolder;
import org.resnetspark.training.SavedModel;
import org.resnetspark.training.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Batch evaluation of a trained model, a checkpoint, or a run's final model or checkpoints. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Evaluate a saved model over a dataset split on Spark and write eval.json: accuracy, error, "
                + "top-5 (more than 10 classes), per-class accuracy and the confusion matrix.",
                "The normalisation saved in the model is applied; the validation split is drawn with the run's seed."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model-path", required = true, paramLabel = "URI",
            description = "A model.zip, a checkpoint (checkpoints/epoch-N.zip) or a run folder (its model.zip).")
    String modelPath;

    @Option(names = "--all-checkpoints", description = "With a run folder: evaluate every complete checkpoint too.")
    boolean allCheckpoints;

    @Option(names = "--split", defaultValue = "test", description = "test, validation or train.")
    String split;

    @Option(names = "--out", paramLabel = "URI", description = "Folder for eval.json (default: beside the model).")
    String out;

    @Option(names = "--workers", description = "Parallel workers (default: Spark's default parallelism).")
    Integer workers;

    @Option(names = "--batch", defaultValue = "256", description = "Images per evaluation batch.")
    int batch;

    @Option(names = "--seed", description = "Seed of the train/validation split (default: the run's, else 42).")
    Long seed;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    SplitOptions splitOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        try (JavaSparkContext sc = SparkJobs.start("evaluate")) {
            console.println("runtime: " + NativeRuntime.start());
            Configuration hadoop = sc.hadoopConfiguration();
            Path path = HadoopFileSystems.pathOf(modelPath);
            FileSystem fs = HadoopFileSystems.of(path, hadoop);
            if (!fs.exists(path)) {
                throw new IllegalArgumentException(modelPath + " does not exist: give a model.zip, a checkpoint or a run folder");
            }
            boolean isRunFolder = fs.getFileStatus(path).isDirectory();
            RunFolder run = new RunFolder((isRunFolder ? path : runFolderOf(path)).toString(), hadoop);
            RunRecord.Setup trained = run.exists(RunFolder.RUN) ? RunRecord.read(run).setup() : null;
            long splitSeed = seed != null ? seed : trained != null ? trained.seed() : 42;
            CommandLine.ParseResult given = spec.commandLine().getParseResult();
            String dataset = dataOptions.defaultFrom(trained, given);
            String trainedOn = trained == null ? null : trained.dataset();
            if (out == null && (trainedOn == null ? !given.hasMatchedOption("--dataset") : !trainedOn.equals(dataset))) {
                // A run folder is a record: its eval.json is about the data it was trained on.
                throw new IllegalArgumentException(trainedOn == null
                        ? "No run.json beside " + modelPath + " says which dataset the model was trained on: give --dataset."
                        : modelPath + " was trained on " + trainedOn + "; its eval.json stays about that. To evaluate it on "
                        + dataset + ", give --out FOLDER for the results.");
            }

            List<String> models = new ArrayList<>();
            if (isRunFolder) {
                if (!run.exists(RunFolder.MODEL) && !allCheckpoints) {
                    throw new IllegalArgumentException(modelPath + " has no model.zip (is the run finished?); "
                            + "use --all-checkpoints, or --model-path on a checkpoint");
                }
                if (allCheckpoints) {
                    new Checkpoints(run, Integer.MAX_VALUE).list().forEach(c -> models.add(run.resolve(c.modelFile()).toString()));
                }
                if (run.exists(RunFolder.MODEL)) {
                    models.add(run.resolve(RunFolder.MODEL).toString());
                }
            } else {
                models.add(path.toString());
            }

            DistributedData data = dataOptions.prepare(sc, splitOptions, splitSeed, console);
            Examples images = switch (split) {
                case "test" -> data.test();
                case "validation" -> data.validation();
                case "train" -> data.train();
                default -> throw new IllegalArgumentException("Unknown --split '" + split + "'; use test, validation or train");
            };
            if (images.count() == 0) {
                throw new IllegalArgumentException("The " + split + " split of " + data.name() + " is empty");
            }
            int n = workers != null ? workers : sc.defaultParallelism();
            RunFolder outFolder = out != null ? new RunFolder(out, hadoop) : run;
            for (String model : models) {
                EvaluationReport result = evaluate(sc, model, images, data, n, trained);
                String name = models.size() == 1 ? RunFolder.EVAL : RunFolder.evalOf(new Path(model).getName());
                result.write(outFolder, name);
                console.printf(Locale.ROOT, "%s: %s error %.2f%% on %d %s images -> %s%n", new Path(model).getName(),
                        result.model(), result.errorPercent(), images.count(), split, outFolder.resolve(name));
            }
        }
        console.flush();
        return 0;
    }

    private EvaluationReport evaluate(JavaSparkContext sc, String model, Examples images, DistributedData data,
                                      int n, RunRecord.Setup trained) throws IOException {
        Path path = new Path(model);
        SavedModel saved = SavedModel.read(model, sc.hadoopConfiguration(), "Give another --model-path.");
        ComputationGraph net = saved.net();
        Normalization normalization = saved.normalization();
        if (normalization == null) {
            spec.commandLine().getErr().println("Warning: " + model + " holds no normalisation; using the training split's");
            normalization = data.normalization();
        }
        if (!normalization.shape().equals(images.shape())) {
            // The normalisation saved in the model was fitted to the images it was trained on.
            throw new IllegalArgumentException(model + " was trained on " + describe(normalization.shape())
                    + " images, but " + data.name() + " has " + describe(images.shape())
                    + ": evaluate it on the dataset it was trained on");
        }
        long outputs = net.getOutputLayer(0).getParam("b").length();
        if (outputs != images.numClasses()) {
            throw new IllegalArgumentException(model + " classifies " + outputs + " classes, but " + data.name()
                    + " has " + images.numClasses() + ": evaluate it on the dataset it was trained on");
        }
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, new ParameterAveraging(n, batch, 1).trainingMaster(0));
        Evaluation evaluation = SparkEvaluation.evaluate(sparkNet, images, normalization, n, batch);

        String name = trained != null && trained.model() != null ? trained.model() : path.getName();
        List<String> classNames = data.classNames().isEmpty() ? null : data.classNames();
        return EvaluationReport.of(evaluation, images.numClasses(), classNames, name, model, net, data.name(), split,
                images.count());
    }

    private static String describe(InputShape shape) {
        return shape.channels() + "x" + shape.height() + "x" + shape.width();
    }

    /** The run folder of a model file: its folder, or the run above a checkpoints/ folder. */
    private static Path runFolderOf(Path model) {
        Path folder = model.getParent();
        return folder.getName().equals(RunFolder.CHECKPOINTS) ? folder.getParent() : folder;
    }
}
