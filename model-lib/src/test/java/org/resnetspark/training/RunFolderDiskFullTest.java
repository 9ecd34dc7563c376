package org.resnetspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up mid-write, for real: a 256 KB tmpfs mounted for the test (it needs root, as
 * CI has; elsewhere the test is skipped, saying so). Hadoop's local file system reports a full
 * disk as an FSError, an Error that used to escape every handler: it must become an IOException
 * naming the file, leave no partial file, and keep the previous version.
 */
class RunFolderDiskFullTest {

    @Test
    void aFullDiskIsAnErrorNamingTheFileAndKeepsThePreviousVersion(@TempDir Path dir) throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", small.toString()) == 0,
                "cannot mount a tmpfs here (not root): skipped");
        try {
            RunFolder folder = new RunFolder(small.toString(), new Configuration());
            folder.writeString("run.json", "{\"status\":\"running\"}");
            IOException full = assertThrows(IOException.class, () -> folder.writeString("run.json", "x".repeat(1 << 20)));
            assertTrue(full.getMessage().startsWith("Could not write " + folder.resolve("run.json") + ": ")
                    && full.getMessage().contains("No space left on device"), full.getMessage());
            assertEquals("{\"status\":\"running\"}", folder.readString("run.json"));
            assertEquals(List.of("run.json"), Files.list(small).map(p -> p.getFileName().toString()).toList());
        } finally {
            run("umount", "-l", small.toString());   // lazily: the failed stream may still hold it
        }
    }

    private static int run(String... command) throws Exception {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor();
        } catch (IOException e) {
            return -1;
        }
    }
}
