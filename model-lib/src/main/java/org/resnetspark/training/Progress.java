package org.resnetspark.training;

import java.io.PrintStream;
import java.time.Duration;

/** Prints "label i/n, elapsed, ETA" lines to a stream at most every {@code intervalSeconds}. */
public final class Progress {

    private final String label;
    private final long total;
    private final PrintStream out;
    private final double intervalSeconds;
    private long start = System.nanoTime();
    private long lastPrinted = start;

    public Progress(String label, long total, PrintStream out, double intervalSeconds) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.intervalSeconds = intervalSeconds;
    }

    /** Counts elapsed time and ETA from now on (for example after a warm-up). */
    public void restart() {
        start = System.nanoTime();
        lastPrinted = start;
    }

    public void update(long done) {
        long now = System.nanoTime();
        if (done < total && (now - lastPrinted) / 1e9 < intervalSeconds) {
            return;
        }
        lastPrinted = now;
        double elapsed = (now - start) / 1e9;
        double eta = done == 0 ? Double.NaN : elapsed * (total - done) / done;
        out.printf("%s %d/%d (%.0f%%), elapsed %s, ETA %s%n", label, done, total, 100.0 * done / total,
                format(elapsed), Double.isNaN(eta) ? "?" : format(eta));
    }

    /** A duration as 1h02m03s or 2m03s. */
    public static String format(double seconds) {
        Duration d = Duration.ofSeconds(Math.round(seconds));
        return d.toHours() > 0
                ? String.format("%dh%02dm%02ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
