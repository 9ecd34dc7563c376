package org.resnetspark.jobs;

import java.util.ArrayList;
import java.util.List;
import org.resnetspark.training.TrainingRecipe;
import picocli.CommandLine.Option;

/** The optimisation options of the training job (a picocli mixin); defaults are He et al. 2015's. */
final class RecipeOptions {

    @Option(names = "--lr", defaultValue = "0.1", description = "Base learning rate.")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum.")
    double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum instead of the papers' plain momentum.")
    boolean nesterov;

    @Option(names = "--weight-decay", defaultValue = "1e-4",
            description = "L2 penalty on convolution and classifier weights (not on biases or batch norm).")
    double weightDecay;

    @Option(names = "--max-iterations", paramLabel = "N",
            description = "Global steps at the effective batch to train for (default: 64000, the paper's).")
    Integer maxIterations;

    @Option(names = "--lr-drops", split = ",", paramLabel = "ITERATION",
            description = "Global iterations at which the learning rate is divided by 10 (default: 32000,48000).")
    List<Integer> lrDrops;

    @Option(names = "--epochs", paramLabel = "N", description = "Train for N epochs instead of --max-iterations.")
    Integer epochs;

    @Option(names = "--lr-steps", split = ",", paramLabel = "EPOCH",
            description = "Epochs at which the learning rate is divided by 10, instead of --lr-drops.")
    List<Integer> lrSteps;

    @Option(names = "--warmup", defaultValue = "none",
            description = "none; paper (0.01 until the training error is below 80%%, as for ResNet-110); "
                    + "linear (from 0 to the base rate over --warmup-epochs).")
    String warmup;

    @Option(names = "--warmup-epochs", defaultValue = "5", description = "Length of the linear warmup.")
    double warmupEpochs;

    @Option(names = "--linear-scaling", description = "Base rate x effective batch / 128, for large effective batches.")
    boolean linearScaling;

    /** The recipe, with epoch-based options turned into global iterations at this epoch length. */
    TrainingRecipe recipe(int iterationsPerEpoch) {
        if (epochs != null && maxIterations != null) {
            throw new IllegalArgumentException("Give --epochs or --max-iterations, not both");
        }
        if (lrSteps != null && lrDrops != null) {
            throw new IllegalArgumentException("Give --lr-steps (epochs) or --lr-drops (iterations), not both");
        }
        TrainingRecipe paper = TrainingRecipe.paper();
        int iterations = epochs != null ? Math.multiplyExact(epochs, iterationsPerEpoch)
                : maxIterations != null ? maxIterations : paper.maxIterations();
        List<Integer> drops = new ArrayList<>();
        if (lrSteps != null) {
            lrSteps.forEach(epoch -> drops.add(epoch * iterationsPerEpoch));
        } else {
            drops.addAll(lrDrops != null ? lrDrops : paper.lrDrops());
        }
        TrainingRecipe.Warmup kind = switch (warmup.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "none" -> TrainingRecipe.Warmup.NONE;
            case "paper" -> TrainingRecipe.Warmup.PAPER;
            case "linear" -> TrainingRecipe.Warmup.LINEAR;
            default -> throw new IllegalArgumentException("Unknown --warmup '" + warmup + "'; use none, paper or linear");
        };
        return new TrainingRecipe(learningRate, momentum, nesterov, weightDecay, drops, iterations, kind,
                warmupEpochs, linearScaling);
    }
}
