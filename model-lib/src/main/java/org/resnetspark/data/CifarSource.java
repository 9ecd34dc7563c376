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
        byte[] pixels = ImageSet.allocate(shape(), count, describe());
        int[] labels = new int[count];
        int done = 0;
        long fileStart = 0;
        for (FileSpan file : files) {
            long fileEnd = fileStart + file.records();
            long next = from + done;
            if (done < count && next < fileEnd) {
                long first = next - fileStart;
                int n = (int) Math.min(count - done, fileEnd - next);
                try (InputStream in = DataFile.openAt(file.uri(), first * format.recordBytes(), hadoop)) {
                    format.readRecords(in, file.uri(), first, file.records(), n, pixels, labels, done);
                }
                done += n;
            }
            fileStart = fileEnd;
        }
        if (done < count) {
            throw new IllegalArgumentException("Images " + from + " to " + (from + count) + " are beyond the "
                    + size() + " of " + describe());
        }
        return new ImageSet(shape(), numClasses(), pixels, labels);
    }
}
