package org.resnetspark.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Reports an epoch's progress to {@link EpochProgress} while DL4J's fit runs (fit returns only at
 * the epoch's end). Each worker counts the minibatches it trains in a Spark accumulator, through a
 * DL4J training hook; Spark adds a task's count on the driver when the task ends, which is when a
 * worker has done its share of an averaging round. So progress advances round by round, and one
 * global step is one minibatch on every worker.
 */
final class FitProgress extends SparkListener implements AutoCloseable {

    private final SparkContext sc;
    private final LongAccumulator minibatches;
    private final int workers;
    private final EpochProgress progress;
    private boolean closed;

    private FitProgress(SparkContext sc, LongAccumulator minibatches, int workers, EpochProgress progress) {
        this.sc = sc;
        this.minibatches = minibatches;
        this.workers = workers;
        this.progress = progress;
    }

    /** Counts the minibatches that {@code master}'s workers train until {@link #close()}. */
    static FitProgress watch(JavaSparkContext sc, TrainingMaster<?, ?> master, int workers, EpochProgress progress) {
        LongAccumulator minibatches = sc.sc().longAccumulator("minibatches trained");
        master.addHook(new CountMinibatches(minibatches));
        FitProgress watch = new FitProgress(sc.sc(), minibatches, workers, progress);
        sc.sc().addSparkListener(watch);
        return watch;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (!closed) {
            progress.update(minibatches.value() / workers, System.nanoTime());
        }
    }

    /** No line after this returns (the epoch's own line comes next). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        // Outside the lock: removing the last listener of a queue waits for its thread, which may be waiting for it.
        sc.removeSparkListener(this);
    }

    /** Runs on the workers: one count per minibatch trained. */
    private record CountMinibatches(LongAccumulator minibatches) implements TrainingHook {

        @Override
        public void preUpdate(DataSet minibatch, Model model) {
        }

        @Override
        public void postUpdate(DataSet minibatch, Model model) {
            minibatches.add(1);
        }

        @Override
        public void preUpdate(MultiDataSet minibatch, Model model) {
        }

        @Override
        public void postUpdate(MultiDataSet minibatch, Model model) {
            minibatches.add(1);
        }
    }
}
