package org.resnetspark.data;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** One data file on any Hadoop file system; {@code uri} is what error messages name. */
public record DataFile(String uri, long length, FileSystem fs, Path path) {

    public InputStream open() throws IOException {
        return fs.open(path, 1 << 16);
    }

    public String name() {
        return path.getName();
    }

    @Override
    public String toString() {
        return uri;
    }
}
