package org.resnetspark.data;

import java.io.IOException;
import java.util.List;

/**
 * Images stored in files one after another (CIFAR's batches, Downsampled ImageNet's): a range of
 * them is each covered file's share, read into one {@link ImageSet}.
 */
final class FilesInSequence {

    /** Reads {@code n} images of file {@code file} from its image {@code first}, into the arrays at {@code at}. */
    @FunctionalInterface
    interface ShareReader {
        void read(int file, long first, int n, byte[] pixels, int[] labels, int at) throws IOException;
    }

    private FilesInSequence() {
    }

    /**
     * Images {@code from} to {@code from + count} of {@code source}, whose files hold
     * {@code imagesPerFile} images each, in order.
     */
    static ImageSet read(ImageSource source, List<Long> imagesPerFile, long from, int count, ShareReader reader)
            throws IOException {
        byte[] pixels = ImageSet.allocate(source.shape(), count, source.describe());
        int[] labels = new int[count];
        int done = 0;
        long fileStart = 0;
        for (int file = 0; file < imagesPerFile.size() && done < count; file++) {
            long fileEnd = fileStart + imagesPerFile.get(file);
            long next = from + done;
            if (next < fileEnd) {
                int n = (int) Math.min(count - done, fileEnd - next);
                reader.read(file, next - fileStart, n, pixels, labels, done);
                done += n;
            }
            fileStart = fileEnd;
        }
        if (done < count) {
            throw new IllegalArgumentException("Images " + from + " to " + (from + count) + " are beyond the "
                    + source.size() + " of " + source.describe());
        }
        return new ImageSet(source.shape(), source.numClasses(), pixels, labels);
    }
}
