package org.resnetspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learning rate far too high ends the run as diverged in one line, whichever way it shows: a
 * loss that overflows, or a finite loss with NaN outputs (which used to end in a Spark stage's
 * "Cannot perform evaluation with NaNs present in predictions" and a run.json left "running").
 */
@ExtendWith(Cli.LocalSpark.class)
class DivergenceTest {

    @Test
    void anOverflowingRateEndsAsDivergedNamingTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        String[] common = {"train", "--model", "resnet8", "--train-size", "256", "--train-eval-size", "64",
            "--val-size", "0", "--out", run.toString()};
        // A good first epoch, then a rate that overflows from its checkpoint on: divergence in epoch 2 whatever the data.
        var first = Cli.run(concat(common, "--epochs", "1", "--lr", "0.05"));
        assertEquals(0, first.exitCode(), first.out() + first.err());
        var result = Cli.run(concat(common, "--epochs", "2", "--lr", "1e30", "--resume", "--allow-recipe-change"));
        assertEquals(5, result.exitCode(), result.out() + result.err());
        String error = result.err().strip();
        assertTrue(error.matches("Error: Training diverged at epoch 2 \\(iteration 4\\): (the network's outputs are NaN"
                + "|the loss is .*|the parameters hold NaN .*)\\. The last good checkpoint is kept: .*"), error);
        assertTrue(error.endsWith("checkpoints/epoch-000001.zip. Continue from it with --resume --allow-recipe-change "
                + "and a lower --lr (or --warmup for very deep nets)."), error);
        assertEquals(1, error.lines().count(), error);
        @SuppressWarnings("unchecked")
        Map<String, Object> info = new ObjectMapper().readValue(run.resolve("run.json").toFile(), Map.class);
        assertEquals("diverged", info.get("status"));
    }

    private static String[] concat(String[] first, String... more) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(first), java.util.Arrays.stream(more))
                .toArray(String[]::new);
    }
}
