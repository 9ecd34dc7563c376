package org.resnetspark.spark;

import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

/**
 * Data-parallel training with DL4J's parameter averaging: each of {@code workers} trains its
 * shard for {@code averagingFrequency} minibatches of {@code batchPerWorker}, then parameters and
 * updater state are averaged.
 */
public record ParameterAveraging(int workers, int batchPerWorker, int averagingFrequency) {

    public ParameterAveraging {
        if (workers < 1 || batchPerWorker < 1 || averagingFrequency < 1) {
            throw new IllegalArgumentException("workers, batch per worker and averaging frequency must be at least 1, got "
                    + workers + ", " + batchPerWorker + ", " + averagingFrequency);
        }
    }

    /** Images per global step: what a single machine would use as its batch. */
    public int effectiveBatch() {
        return workers * batchPerWorker;
    }

    /**
     * The training master for RDDs whose elements are DataSets of {@code batchPerWorker} images.
     * saveUpdater must be set: its builder field defaults to false, and momentum would then
     * restart at every averaging round.
     */
    public ParameterAveragingTrainingMaster trainingMaster() {
        return new ParameterAveragingTrainingMaster.Builder(workers, batchPerWorker)
                .batchSizePerWorker(batchPerWorker)
                .averagingFrequency(averagingFrequency)
                .saveUpdater(true)
                .workerPrefetchNumBatches(2)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .build();
    }
}
