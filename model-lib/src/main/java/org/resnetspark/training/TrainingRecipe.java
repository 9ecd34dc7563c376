package org.resnetspark.training;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * How a network is optimised. Defaults are He et al. 2015's CIFAR-10 recipe: SGD with momentum
 * 0.9, weight decay 1e-4, effective batch 128, learning rate 0.1 divided by 10 at 32k and 48k
 * iterations, stop at 64k. Iterations are global steps at the effective batch.
 *
 * @param lrDrops       global iterations at which the learning rate is divided by 10
 * @param warmup        {@code none}, {@code paper} (0.01 until the training error drops below 80%,
 *                      then the base rate: He et al. 2015's ResNet-110) or {@code linear}
 *                      (from 0 to the base rate over {@code warmupEpochs} epochs)
 * @param linearScaling base rate x effective batch / 128 (Goyal et al. 2017), for large batches
 */
public record TrainingRecipe(double learningRate, double momentum, boolean nesterov, double weightDecay,
                             List<Integer> lrDrops, int maxIterations, Warmup warmup, double warmupEpochs,
                             boolean linearScaling) {

    public enum Warmup { NONE, PAPER, LINEAR }

    public static final int REFERENCE_BATCH = 128;
    public static final double PAPER_WARMUP_RATE = 0.01;
    public static final double PAPER_WARMUP_ERROR = 0.80;

    public TrainingRecipe {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("Learning rate must be positive, got " + learningRate);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("Weight decay must not be negative, got " + weightDecay);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("Training needs at least one iteration, got " + maxIterations);
        }
        if (warmup == Warmup.LINEAR && !(warmupEpochs > 0)) {
            throw new IllegalArgumentException("Linear warmup needs a positive number of epochs");
        }
        lrDrops = List.copyOf(lrDrops);
        for (int i = 1; i < lrDrops.size(); i++) {
            if (lrDrops.get(i) <= lrDrops.get(i - 1)) {
                throw new IllegalArgumentException("Learning-rate drops must increase: " + lrDrops);
            }
        }
    }

    public static TrainingRecipe paper() {
        return new TrainingRecipe(0.1, 0.9, false, 1e-4, List.of(32_000, 48_000), 64_000, Warmup.NONE, 0, false);
    }

    /** The base learning rate for this effective batch. */
    public double baseRate(int effectiveBatch) {
        return linearScaling ? learningRate * effectiveBatch / REFERENCE_BATCH : learningRate;
    }

    /**
     * The learning rate by global iteration after any paper warmup: linear warmup first if asked,
     * then the base rate divided by 10 at each drop.
     */
    public ISchedule schedule(int effectiveBatch, int iterationsPerEpoch) {
        double base = baseRate(effectiveBatch);
        Map<Integer, Double> rates = new TreeMap<>();
        rates.put(0, base);
        if (warmup == Warmup.LINEAR) {
            int ramp = (int) Math.ceil(warmupEpochs * iterationsPerEpoch);
            for (int i = 0; i < ramp; i++) {
                rates.put(i, base * (i + 1) / ramp);
            }
            rates.put(ramp, base);
        }
        double rate = base;
        for (int drop : lrDrops) {
            rate /= 10;
            rates.put(drop, rate);
        }
        return new MapSchedule(ScheduleType.ITERATION, rates);
    }

    /** The rate before the paper warmup ends. */
    public ISchedule warmupSchedule() {
        return new MapSchedule(ScheduleType.ITERATION, Map.of(0, PAPER_WARMUP_RATE));
    }

    public SgdMomentum updater(ISchedule schedule) {
        return new SgdMomentum(schedule.valueAt(0, 0), schedule, momentum, nesterov);
    }
}
