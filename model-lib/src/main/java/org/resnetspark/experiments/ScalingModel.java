package org.resnetspark.experiments;

import java.util.ArrayList;
import java.util.List;

/**
 * Epoch time of DL4J's parameter averaging against workers, averaging frequency and network
 * bandwidth, from measured parts: the compute time of one worker's step, and the cost of one
 * averaging round as a fixed part plus a part per byte (both measured on a real cluster).
 *
 * <p>A round broadcasts parameters and updater state (momentum: as many floats again) to every
 * worker, each worker takes {@code frequency} steps, and Spark's treeAggregate (depth 2, as DL4J
 * calls it) sums the workers' parameters and updater states back to the driver. Assumptions:
 * workers are identical and each has the compute of the measurement; the per-worker batch stays
 * fixed (the effective batch grows with the workers: weak scaling); compute and communication do
 * not overlap; every link has the bandwidth, full duplex, and a receiver takes its inputs one
 * after another (the aggregators and the driver are the bottleneck); the broadcast is an ideal
 * torrent (the bytes cross the driver's link once).
 */
public record ScalingModel(String model, long floatsPerRound, int batchPerWorker, double stepSeconds, RoundCost round,
                           long epochImages) {

    /**
     * What a round moves each way for a network: DL4J's parameter vector (trained parameters and
     * batch norm's running mean and variance, as many as its scale and shift) and the updater state
     * (one momentum per trained parameter).
     */
    public static long floatsPerRound(long trainedParameters, long batchNormParameters) {
        return trainedParameters + batchNormParameters + trainedParameters;
    }

    /**
     * One averaging round's cost besides the network: Spark's job, stage and task scheduling
     * ({@code fixedSeconds}) and serialising, copying and summing the bytes ({@code secondsPerByte}),
     * as measured on loopback, where the network itself costs next to nothing.
     */
    public record RoundCost(double fixedSeconds, double secondsPerByte) {

        /**
         * The cost from two measured rounds of different sizes (two models): a straight line through
         * (bytes, seconds) of each.
         */
        public static RoundCost fit(double bytesA, double secondsA, double bytesB, double secondsB) {
            double perByte = (secondsB - secondsA) / (bytesB - bytesA);
            return new RoundCost(secondsA - perByte * bytesA, perByte);
        }
    }

    /** What a round moves each way, 4 bytes a float. */
    public double bytesPerRound() {
        return 4.0 * floatsPerRound;
    }

    /** Steps each worker takes in an epoch: the epoch's images shared among the workers. */
    public double stepsPerEpoch(int workers) {
        return Math.ceil((double) epochImages / ((long) workers * batchPerWorker));
    }

    /**
     * The inputs the busiest receiver of each level of Spark's treeAggregate(depth 2) takes in turn:
     * e.g. 8 partitions go to 3 aggregators (3 inputs each at most), whose 3 results go to the driver.
     */
    static List<Integer> treeFanIns(int partitions) {
        List<Integer> fanIns = new ArrayList<>();
        int scale = Math.max((int) Math.ceil(Math.pow(partitions, 1.0 / 2)), 2);
        int remaining = partitions;
        // Spark's RDD.treeAggregate: add a level while it saves work over the driver reading all.
        while (remaining > scale + Math.ceil((double) remaining / scale)) {
            int next = remaining / scale;   // Spark: numPartitions /= scale, partition i goes to i % next
            fanIns.add((int) Math.ceil((double) remaining / next));
            remaining = next;
        }
        fanIns.add(remaining);
        return fanIns;
    }

    /** One round with {@code workers} at {@code bitsPerSecond}: fixed part, bytes handled, broadcast and the tree's levels. */
    public double roundSeconds(int workers, double bitsPerSecond) {
        double transfer = bytesPerRound() * 8 / bitsPerSecond;
        int receives = treeFanIns(workers).stream().mapToInt(Integer::intValue).sum();
        return round.fixedSeconds() + round.secondsPerByte() * bytesPerRound() + transfer * (1 + receives);
    }

    /** An epoch: every worker's steps, plus one round per {@code frequency} steps. */
    public double epochSeconds(int workers, int frequency, double bitsPerSecond) {
        double steps = stepsPerEpoch(workers);
        return steps * stepSeconds + Math.ceil(steps / frequency) * roundSeconds(workers, bitsPerSecond);
    }

    /** One worker without averaging: the baseline an ideal cluster of W divides by W. */
    public double singleWorkerEpochSeconds() {
        return stepsPerEpoch(1) * stepSeconds;
    }

    /** Scaling efficiency: the ideal epoch time (one worker's over W) over the modelled one; 1 is perfect. */
    public double efficiency(int workers, int frequency, double bitsPerSecond) {
        return singleWorkerEpochSeconds() / workers / epochSeconds(workers, frequency, bitsPerSecond);
    }
}
