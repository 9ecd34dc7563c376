package org.resnetspark.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.resnetspark.data.HadoopFileSystems;

/**
 * A run's output folder on any Hadoop file system (file://, hdfs://, s3a://, or a local path).
 * Every file is written under a temporary name and renamed into place, so a crash mid-write
 * leaves the previous version (or nothing), never a truncated file under the real name.
 */
public final class RunFolder {

    public static final String METRICS = "metrics.jsonl";
    public static final String RUN = "run.json";
    public static final String MODEL = "model.zip";
    public static final String CHECKPOINTS = "checkpoints";
    /** The final model on the test split (or the split evaluate was asked for). */
    public static final String EVAL = "eval.json";
    /** A sweep's folder: the sweep file as it ran (name, title, note, base, points, axes). */
    public static final String SWEEP = "sweep.json";

    /** The evaluation of one of several models (e.g. {@code epoch-000012.zip}) evaluated together. */
    public static String evalOf(String modelFileName) {
        return "eval-" + modelFileName.replaceFirst("\\.zip$", "") + ".json";
    }

    /** Writes a file's content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private final FileSystem fs;
    private final Path root;

    public RunFolder(String uri, Configuration hadoop) throws IOException {
        Path path = HadoopFileSystems.pathOf(uri);
        this.fs = HadoopFileSystems.of(path, hadoop);
        // The local file system would put a .crc file beside every file of the run; the zip and
        // JSON formats check themselves.
        fs.setWriteChecksum(false);
        this.root = fs.makeQualified(path);   // created by the first write: reading creates nothing
    }

    public Path root() {
        return root;
    }

    public Path resolve(String relative) {
        return new Path(root, relative);
    }

    public FileSystem fileSystem() {
        return fs;
    }

    public boolean exists(String relative) throws IOException {
        return fs.exists(resolve(relative));
    }

    /** Writes {@code relative} via a temporary file in the same folder and a rename. */
    public void writeAtomically(String relative, Writer content) throws IOException {
        Path target = resolve(relative);
        Path temporary = new Path(target.getParent(), "." + target.getName() + ".partial");
        try (OutputStream out = fs.create(temporary, true)) {
            content.write(out);
        } catch (IOException | RuntimeException | org.apache.hadoop.fs.FSError e) {   // FSError: a full local disk
            fs.delete(temporary, false);
            throw new IOException("Could not write " + target + ": " + e.getMessage()
                    + " (is the disk full or the folder read-only?)", e);
        }
        // Not every file system replaces on rename: remove the old version first.
        fs.delete(target, false);
        if (!fs.rename(temporary, target)) {
            throw new IOException("Could not rename " + temporary + " to " + target);
        }
    }

    public void writeString(String relative, String text) throws IOException {
        writeAtomically(relative, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    public String readString(String relative) throws IOException {
        try (InputStream in = fs.open(resolve(relative))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Names of the entries of a sub-folder, sorted; empty when it does not exist. */
    public List<String> list(String relative) throws IOException {
        Path folder = resolve(relative);
        List<String> names = new ArrayList<>();
        if (fs.exists(folder)) {
            for (FileStatus status : fs.listStatus(folder)) {
                names.add(status.getPath().getName());
            }
        }
        names.sort(null);
        return names;
    }

    public void delete(String relative) throws IOException {
        fs.delete(resolve(relative), false);
    }
}
