package org.resnetspark.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** One data file on any Hadoop file system; {@code uri} is what error messages name. */
public record DataFile(String uri, long length, FileSystem fs, Path path) {

    public InputStream open() throws IOException {
        return fs.open(path, 1 << 16);
    }

    /** The file at {@code uri}, buffered, from byte {@code offset} on: how executors read their part. */
    public static InputStream openAt(String uri, long offset, Configuration hadoop) throws IOException {
        Path path = new Path(uri);
        FSDataInputStream in = HadoopFileSystems.of(path, hadoop).open(path, 1 << 16);
        try {
            in.seek(offset);
        } catch (EOFException e) {
            in.close();
            throw new BadInputException(uri + ": the file ends before byte " + offset + ", which the job's start "
                    + "found in it: it is being written or was replaced. Give the job files that stay as they are.");
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        return new BufferedInputStream(in, 1 << 16);
    }

    public String name() {
        return path.getName();
    }

    @Override
    public String toString() {
        return uri;
    }
}
