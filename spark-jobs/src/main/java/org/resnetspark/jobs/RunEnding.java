package org.resnetspark.jobs;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.resnetspark.training.RunFolder;
import org.resnetspark.training.RunRecord;

/**
 * Makes run.json say how a run ended when it does not finish: diverged or failed (with the
 * error), or interrupted by a signal (Ctrl-C, kill, a cluster manager stopping the driver), which a
 * shutdown hook records. Whichever ending comes first is the one recorded: a signal also stops
 * Spark, whose failures the training then sees.
 */
final class RunEnding implements AutoCloseable {

    private final RunFolder run;
    private final RunRecord started;
    private final Supplier<RunRecord.ClusterHistory> clusterEvents;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Thread onSignal;

    /** @param clusterEvents what happened to the cluster so far, recorded with the ending */
    RunEnding(RunFolder run, RunRecord started, Supplier<RunRecord.ClusterHistory> clusterEvents) {
        this.run = run;
        this.started = started;
        this.clusterEvents = clusterEvents;
        this.onSignal = new Thread(() -> {
            if (record(RunRecord.Status.INTERRUPTED, "stopped by a signal")) {
                System.err.println("Interrupted: " + run.root() + " keeps its checkpoints; run the same command with "
                        + "--resume to continue.");
            }
        }, "run-ending");
        Runtime.getRuntime().addShutdownHook(onSignal);
    }

    /** Writes the ending into run.json, unless another was recorded first; returns whether this one was. */
    boolean record(RunRecord.Status status, String error) {
        // During shutdown a failure is Spark stopping under the training: the hook records the signal.
        boolean byTheHook = status == RunRecord.Status.INTERRUPTED;
        if (!byTheHook && shuttingDown() || !ended.compareAndSet(false, true)) {
            return false;
        }
        try {
            started.stopped(status, error, clusterEvents.get()).write(run);
        } catch (Exception | Error e) {
            System.err.println("Warning: could not record the run's end in " + run.resolve(RunFolder.RUN) + ": " + e);
        }
        return true;
    }

    /** The training is over: a later signal interrupts nothing (during shutdown the hook has its say). */
    @Override
    public void close() {
        if (!shuttingDown()) {
            ended.set(true);
            Runtime.getRuntime().removeShutdownHook(onSignal);
        }
    }

    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
