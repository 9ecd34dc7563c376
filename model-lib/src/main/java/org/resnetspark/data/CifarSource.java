package org.resnetspark.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * A split of CIFAR binary files: fixed-size records without a header, so image {@code i} of a
 * file is a byte range of its own and each reader seeks straight to its part.
 */
public record CifarSource(CifarBinary format, List<FileSpan> files) implements ImageSource {

    /** One file and the records its size announced when the source was made. */
    public record FileSpan(String uri, long records) implements Serializable {
    }

    public CifarSource {
        files = List.copyOf(files);
    }

    @Override
    public InputShape shape() {
        return InputShape.CIFAR;
    }

    @Override
    public int numClasses() {
        return format.numClasses();
    }

    @Override
    public long size() {
        return files.stream().mapToLong(FileSpan::records).sum();
    }

    @Override
    public String describe() {
        return format.name() + " binary " + files.stream().map(FileSpan::uri).toList();
    }

    @Override
    public ImageSet read(long from, int count, Configuration hadoop) throws IOException {
        return FilesInSequence.read(this, files.stream().map(FileSpan::records).toList(), from, count,
                (f, first, n, pixels, labels, at) -> {
                    FileSpan file = files.get(f);
                    try (InputStream in = DataFile.openAt(file.uri(), first * format.recordBytes(), hadoop)) {
                        format.readRecords(in, file.uri(), first, file.records(), n, pixels, labels, at);
                    }
                });
    }
}
