package org.resnetspark.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process per run folder: a live owner keeps it, a dead one's lock is taken over. */
class RunLockTest {

    @Test
    void aSecondRunIsRefusedWhileTheFirstHoldsTheFolder(@TempDir Path dir) throws Exception {
        RunFolder run = new RunFolder(dir.resolve("run").toString(), new Configuration());
        try (RunLock first = RunLock.acquire(run)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> RunLock.acquire(run));
            assertTrue(refused.getMessage().contains(" is in use by process " + ProcessHandle.current().pid() + " on "),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains("give another --out"), refused.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("run").resolve(RunLock.FILE)), "released at the end");
        RunLock.acquire(run).close();   // and free again
    }

    @Test
    void theLockOfAProcessThatDiedIsTakenOver(@TempDir Path dir) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path folder = Files.createDirectories(dir.resolve("run"));
        Files.writeString(folder.resolve(RunLock.FILE), InetAddress.getLocalHost().getHostName() + " " + gone.pid()
                + " 2026-12-02T00:00:00Z");
        RunFolder run = new RunFolder(folder.toString(), new Configuration());
        try (RunLock taken = RunLock.acquire(run)) {
            assertTrue(Files.readString(folder.resolve(RunLock.FILE)).contains(" " + ProcessHandle.current().pid() + " "));
        }
    }
}
