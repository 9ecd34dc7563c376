package org.resnetspark.data;

import java.util.Arrays;
import java.util.List;

/**
 * Decoded images as the files hold them: unsigned bytes, channels first (all of channel 0 row by
 * row, then channel 1, ...), one label per image. About 3 KB per CIFAR image, so the training set
 * is decoded once and kept; normalisation and augmentation happen when batches are made.
 */
public final class ImageSet {

    private final InputShape shape;
    private final int numClasses;
    private final byte[] pixels;
    private final int[] labels;

    public ImageSet(InputShape shape, int numClasses, byte[] pixels, int[] labels) {
        this.shape = shape;
        this.numClasses = numClasses;
        this.pixels = pixels;
        this.labels = labels;
        if ((long) labels.length * imageBytes() != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length + " pixel bytes; "
                    + shape + " images need " + imageBytes() + " bytes each");
        }
    }

    /** Bytes for {@code count} images of {@code shape}, or a clear error when one Java array cannot hold them. */
    public static byte[] allocate(InputShape shape, long count, String what) {
        return new byte[requireFits(shape, count, what)];
    }

    /** The bytes of {@code count} images of {@code shape}, or a clear error when one Java array cannot hold them. */
    public static int requireFits(InputShape shape, long count, String what) {
        long bytes = count * shape.channels() * shape.height() * shape.width();
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(what + ": " + count + " images of " + shape + " need " + bytes
                    + " bytes, more than one Java array holds (2 GB). Split the data into smaller files.");
        }
        return (int) bytes;
    }

    public InputShape shape() {
        return shape;
    }

    public int numClasses() {
        return numClasses;
    }

    public int size() {
        return labels.length;
    }

    public int imageBytes() {
        return shape.channels() * shape.height() * shape.width();
    }

    public int label(int index) {
        return labels[index];
    }

    /** Where image {@code index} starts in {@link #pixels()}. */
    public int offset(int index) {
        return index * imageBytes();
    }

    /** The backing array, not a copy (it is large): do not modify it. */
    public byte[] pixels() {
        return pixels;
    }

    public byte[] copyOfImage(int index) {
        return Arrays.copyOfRange(pixels, offset(index), offset(index) + imageBytes());
    }

    /** The images at {@code indices}, in that order. */
    public ImageSet select(int[] indices) {
        int bytes = imageBytes();
        byte[] selected = new byte[indices.length * bytes];
        int[] selectedLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, offset(indices[i]), selected, i * bytes, bytes);
            selectedLabels[i] = labels[indices[i]];
        }
        return new ImageSet(shape, numClasses, selected, selectedLabels);
    }

    /** The first {@code count} images (all of them when there are fewer). */
    public ImageSet first(int count) {
        return count >= size() ? this : slice(0, count);
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive). */
    public ImageSet slice(int from, int to) {
        return new ImageSet(shape, numClasses, Arrays.copyOfRange(pixels, offset(from), offset(to)),
                Arrays.copyOfRange(labels, from, to));
    }

    /** The parts one after the other, e.g. CIFAR-10's five training batches. */
    public static ImageSet concat(List<ImageSet> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        ImageSet head = parts.get(0);
        long count = parts.stream().mapToLong(ImageSet::size).sum();
        byte[] pixels = allocate(head.shape, count, "concatenating " + parts.size() + " files");
        int[] labels = new int[(int) count];
        int at = 0;
        for (ImageSet part : parts) {
            if (!part.shape.equals(head.shape) || part.numClasses != head.numClasses) {
                throw new IllegalArgumentException("Cannot join " + part.shape + " images of " + part.numClasses
                        + " classes to " + head.shape + " images of " + head.numClasses + " classes");
            }
            System.arraycopy(part.pixels, 0, pixels, at * head.imageBytes(), part.pixels.length);
            System.arraycopy(part.labels, 0, labels, at, part.size());
            at += part.size();
        }
        return new ImageSet(head.shape, head.numClasses, pixels, labels);
    }

    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }
}
