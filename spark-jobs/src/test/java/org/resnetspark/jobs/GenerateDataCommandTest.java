package org.resnetspark.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate-data never replaces data: not real dataset files, not its own earlier output. */
class GenerateDataCommandTest {

    @Test
    void refusesAFolderHoldingDatasetFilesAndLeavesThemAlone(@TempDir Path dir) throws Exception {
        // Stand-ins for the real Fashion-MNIST files, under their official names.
        byte[] real = "the user's real images".getBytes();
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), real);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), real);

        Cli.Run run = Cli.run("generate-data", "--dataset", "fashion-mnist", "--gzip", "--train", "10", "--test", "10",
                "--out", dir.toString());

        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("Error: --out " + dir + " already holds dataset files (train-images-idx3-ubyte.gz, "
                + "t10k-labels-idx1-ubyte.gz): generate-data never replaces data."), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertArrayEquals(real, Files.readAllBytes(dir.resolve("train-images-idx3-ubyte.gz")));
        assertEquals(2, Files.list(dir).count());
    }

    @Test
    void refusesItsOwnEarlierOutputToo(@TempDir Path dir) {
        Path out = dir.resolve("cifar");
        assertEquals(0, Cli.run("generate-data", "--train", "4", "--test", "2", "--out", out.toString()).exitCode());
        Cli.Run again = Cli.run("generate-data", "--train", "4", "--test", "2", "--out", out.toString());
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("already holds dataset files (data_batch_1.bin"), again.err());
    }

    @Test
    void aFileAsOutIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        Cli.Run run = Cli.run("generate-data", "--out", file.toString());
        assertEquals(2, run.exitCode());
        assertEquals("Error: --out " + file + " is a file: give a folder to write the dataset's files into.",
                run.err().strip());
    }
}
