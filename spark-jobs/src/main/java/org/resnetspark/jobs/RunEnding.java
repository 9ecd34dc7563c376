package org.resnetspark.jobs;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.resnetspark.spark.DistributedTraining;
import org.resnetspark.training.RunFolder;

/**
 * Makes run.json say how a run ended when it does not finish: diverged or failed (with the
 * error), or interrupted by a signal (Ctrl-C, kill, a cluster manager stopping the driver), which a
 * shutdown hook records. Whichever ending comes first is the one recorded: a signal also stops
 * Spark, whose failures the training then sees.
 */
final class RunEnding implements AutoCloseable {

    private final RunFolder run;
    private final Map<String, Object> info;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Thread onSignal;

    RunEnding(RunFolder run, Map<String, Object> info) {
        this.run = run;
        this.info = info;
        this.onSignal = new Thread(() -> {
            if (record("interrupted", "stopped by a signal")) {
                System.err.println("Interrupted: " + run.root() + " keeps its checkpoints; run the same command with "
                        + "--resume to continue.");
            }
        }, "run-ending");
        Runtime.getRuntime().addShutdownHook(onSignal);
    }

    /** Writes the ending into run.json, unless another was recorded first; returns whether this one was. */
    boolean record(String status, String error) {
        // During shutdown a failure is Spark stopping under the training: the hook records the signal.
        boolean byTheHook = status.equals("interrupted");
        if (!byTheHook && shuttingDown() || !ended.compareAndSet(false, true)) {
            return false;
        }
        info.put("status", status);
        info.put("error", error);
        info.put("ended", Instant.now().toString());
        try {
            run.writeString(RunFolder.RUN, DistributedTraining.json(info));
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
