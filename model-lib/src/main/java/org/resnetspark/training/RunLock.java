package org.resnetspark.training;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.hadoop.fs.FileAlreadyExistsException;

/**
 * One process per run folder: a lock file created only if absent, naming its owner's host and
 * PID, removed when the run ends. Two runs into one folder at once used to overwrite each
 * other's checkpoints. A lock whose owner is gone from this host (killed, crashed) is taken over;
 * one from another host is left for the user to judge, since its process cannot be checked here.
 */
public final class RunLock implements AutoCloseable {

    static final String FILE = ".lock";

    private final RunFolder run;

    private RunLock(RunFolder run) {
        this.run = run;
    }

    public static RunLock acquire(RunFolder run) throws IOException {
        String me = host() + " " + ProcessHandle.current().pid() + " " + Instant.now();
        for (int attempt = 0; attempt < 2; attempt++) {
            try (OutputStream out = run.fileSystem().create(run.resolve(FILE), false)) {
                out.write(me.getBytes(StandardCharsets.UTF_8));
                return new RunLock(run);
            } catch (FileAlreadyExistsException held) {
                String[] owner = run.readString(FILE).trim().split(" ");
                if (owner.length < 3 || !owner[0].equals(host()) || isAlive(owner[1])) {
                    throw new IllegalStateException(run.root() + " is in use by process " + (owner.length > 1 ? owner[1] : "?")
                            + " on " + owner[0] + (owner.length > 2 ? " since " + owner[2] : "") + ": wait for that run to "
                            + "end, or give another --out. If that process is gone, delete " + run.resolve(FILE) + ".");
                }
                run.delete(FILE);   // its owner died without removing it
            }
        }
        throw new IllegalStateException("Could not lock " + run.root() + ": another process keeps taking it");
    }

    @Override
    public void close() throws IOException {
        run.delete(FILE);
    }

    private static boolean isAlive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true;   // not ours to judge
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
