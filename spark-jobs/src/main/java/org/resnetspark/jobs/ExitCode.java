package org.resnetspark.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.resnetspark.data.BadInputException;
import org.resnetspark.runtime.CudaCompatibility;
import org.resnetspark.spark.DistributedTraining;

/**
 * The exit code of each kind of failure, so that scripts and sweeps can tell a typo from a broken
 * cluster. The README's "When something goes wrong" lists them; a run stopped by a signal exits
 * as the JVM does, 128 + the signal (130 for Ctrl-C, 143 for SIGTERM).
 */
enum ExitCode {
    DONE(0),
    /** Anything else: a bug; the stack trace (--verbose) belongs in a bug report. */
    FAILED(1),
    /** A flag or combination of flags that cannot work, a run folder that is in use or another experiment's. */
    USAGE(2),
    /** A file the user gave that cannot be used: damaged or mislabelled data, an unreadable model. */
    BAD_INPUT(3),
    /** The machine or the cluster: a file system that does not answer, a full disk, a lost Spark job, a GPU. */
    ENVIRONMENT(4),
    /** The loss or the outputs stopped being numbers. */
    DIVERGED(5);

    final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** The kind of an error thrown by a command; a cause deep in a Spark failure decides as well. */
    static ExitCode of(Throwable error) {
        Throwable shown = shown(error);
        if (shown instanceof DistributedTraining.DivergedException) {
            return DIVERGED;
        }
        if (shown instanceof BadInputException) {
            return BAD_INPUT;
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof UncheckedIOException
                    || cause instanceof CudaCompatibility.UnsupportedGpuException
                    || cause.getClass().getName().equals("org.apache.spark.SparkException")) {
                return ENVIRONMENT;
            }
        }
        return error instanceof IllegalArgumentException || error instanceof IllegalStateException ? USAGE : FAILED;
    }

    /**
     * The exception whose message the user reads: a classified cause rather than the Spark job
     * failure wrapped around it (whose message carries an executor's stack trace).
     */
    static Throwable shown(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof DistributedTraining.DivergedException || cause instanceof BadInputException) {
                return cause;
            }
        }
        return error;
    }
}
