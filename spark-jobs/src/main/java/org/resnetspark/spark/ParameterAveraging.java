package org.resnetspark.spark;

import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
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
     * restart at every averaging round. {@code splitSeed} fixes how DL4J cuts the RDD into
     * averaging rounds (by default it draws from the clock, so no two runs train alike). The RDD
     * must already hold one balanced partition per worker (as {@code SparkTrainingSet} makes it):
     * DL4J's own repartitioning shuffles, and a shuffle's order varies from run to run. Its workers
     * continue the iteration count (see {@link CountingTrainingMaster}): schedules depend on it.
     */
    public ParameterAveragingTrainingMaster trainingMaster(long splitSeed) {
        var builder = new ParameterAveragingTrainingMaster.Builder(workers, batchPerWorker)
                .rngSeed(splitSeed)
                .batchSizePerWorker(batchPerWorker)
                .averagingFrequency(averagingFrequency)
                .saveUpdater(true)
                .workerPrefetchNumBatches(2)
                // DL4J caches the epoch's minibatches and each round filters its share out of all of
                // them; serialised (its default) every round deserialised the whole epoch.
                .storageLevel(StorageLevel.MEMORY_ONLY())
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never);
        return new CountingTrainingMaster(builder);
    }
}
