package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The rule of the progress lines within an epoch, on a clock the test sets. */
class EpochProgressTest {

    private static final long START = 5_000_000_000L;

    private final StringWriter console = new StringWriter();
    /** Epoch 3: 100 global steps at an effective batch of 128. */
    private final EpochProgress progress = new EpochProgress(3, 100, 128, new PrintWriter(console), START);

    private void update(long iteration, double seconds) {
        progress.update(iteration, START + Math.round(seconds * 1e9));
    }

    @Test
    void anEpochShorterThan30SecondsPrintsNothing() {
        for (int second = 0; second < 30; second++) {
            update(second * 3, second + 0.99);
        }
        update(100, 29.99);
        assertEquals("", console.toString());
    }

    @Test
    void after30SecondsALineComesEvery30SecondsOrTenthOfTheEpochWhicheverIsFirst() {
        update(40, 20);   // 40% done, but within the first 30 s
        update(50, 30);   // the first line
        update(59, 35);   // 5 s and 9% later: not yet
        update(60, 36);   // a tenth of the epoch since the last line
        update(60, 50);
        update(60, 66);   // 30 s since the last line, but no step since it
        update(61, 67);   // a step, 31 s after the last line
        update(100, 200); // the end has the epoch's own line
        assertEquals("""
                  epoch 3: iteration 50/100 (50%), 213.3 images/s, epoch ETA 0m30s
                  epoch 3: iteration 60/100 (60%), 213.3 images/s, epoch ETA 0m24s
                  epoch 3: iteration 61/100 (61%), 116.5 images/s, epoch ETA 0m43s
                """, console.toString());
    }
}
