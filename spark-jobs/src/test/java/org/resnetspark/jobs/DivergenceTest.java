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
    void aRateOfAThousandEndsAsDivergedNamingTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        var result = Cli.run("train", "--model", "resnet8", "--train-size", "256", "--train-eval-size", "64",
                "--val-size", "0", "--epochs", "2", "--lr", "1000", "--out", run.toString());
        assertEquals(5, result.exitCode(), result.out() + result.err());
        String error = result.err().strip();
        assertTrue(error.startsWith("Error: Training diverged at epoch 2 (iteration 4): the network's outputs are NaN. "
                + "The last good checkpoint is kept: "), error);
        assertTrue(error.endsWith("checkpoints/epoch-000001.zip. Continue from it with --resume --allow-recipe-change "
                + "and a lower --lr (or --warmup for very deep nets)."), error);
        assertEquals(1, error.lines().count(), error);
        @SuppressWarnings("unchecked")
        Map<String, Object> info = new ObjectMapper().readValue(run.resolve("run.json").toFile(), Map.class);
        assertEquals("diverged", info.get("status"));
    }
}
