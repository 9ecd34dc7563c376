package org.resnetspark.spark;

import java.io.PrintWriter;
import java.util.Locale;
import org.resnetspark.training.Progress;

/**
 * Lines on the driver's console that show an epoch is moving, such as
 * {@code   epoch 3: iteration 1200/1563 (76%), 412.3 images/s, epoch ETA 2m10s}.
 *
 * <p>The rule: nothing in the epoch's first 30 s, so that short epochs (tests, the quick start)
 * stay quiet; after that, a line as soon as 30 s have passed or a tenth of the epoch has been
 * trained since the last line (or since the epoch began), whichever comes first. A line needs
 * progress since the one before (the same iteration twice says nothing new), and there is none at
 * the epoch's end, which has its own line. Images/s and the ETA are averages over the epoch so
 * far, from its start: reading the data at the beginning counts.
 *
 * <p>Times are given, not read from a clock, so that the rule can be tested as it is.
 */
final class EpochProgress {

    static final double SECONDS = 30;
    static final double FRACTION = 0.1;

    private final int epoch;
    private final long iterations;
    private final int imagesPerIteration;
    private final PrintWriter console;
    private final long startNanos;
    private long lastNanos;
    private long lastIteration;

    /**
     * @param iterations         global steps of this epoch
     * @param imagesPerIteration the effective batch
     */
    EpochProgress(int epoch, long iterations, int imagesPerIteration, PrintWriter console, long startNanos) {
        this.epoch = epoch;
        this.iterations = iterations;
        this.imagesPerIteration = imagesPerIteration;
        this.console = console;
        this.startNanos = startNanos;
        this.lastNanos = startNanos;
    }

    /** Prints a line if one is due now that {@code iteration} steps of the epoch are done. */
    synchronized void update(long iteration, long nowNanos) {
        if (!due(iteration, nowNanos)) {
            return;
        }
        double seconds = (nowNanos - startNanos) / 1e9;
        double eta = seconds / iteration * (iterations - iteration);
        console.println(String.format(Locale.ROOT, "  epoch %d: iteration %d/%d (%d%%), %.1f images/s, epoch ETA %s",
                epoch, iteration, iterations, 100 * iteration / iterations, iteration * imagesPerIteration / seconds,
                Progress.format(eta)));
        console.flush();
        lastNanos = nowNanos;
        lastIteration = iteration;
    }

    private boolean due(long iteration, long nowNanos) {
        if (iteration <= lastIteration || iteration >= iterations || (nowNanos - startNanos) / 1e9 < SECONDS) {
            return false;
        }
        return (nowNanos - lastNanos) / 1e9 >= SECONDS || iteration - lastIteration >= FRACTION * iterations;
    }
}
