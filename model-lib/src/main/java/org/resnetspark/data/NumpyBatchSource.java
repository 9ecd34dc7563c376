package org.resnetspark.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * A split in files of NumPy arrays, each a dictionary with the images as a {@code uint8} array of
 * shape (N, channels x height x width), channels first as in CIFAR's binary files, and their
 * labels as a list or an integer array: CIFAR's python version (pickles; {@code labels}, or
 * CIFAR-100's {@code fine_labels}) and Downsampled ImageNet (pickles or {@code .npz};
 * {@code labels} from 1). Where a file keeps its images' bytes as they are (pickles of protocol 2
 * and up written by Python 2, or by Python 3 at protocol 3 and up; stored {@code .npz} entries),
 * a reader seeks straight to its part; otherwise it decodes the file from its start, so
 * {@link #stretches} asks for one part per such file.
 *
 * @param format     what the files are, for logs ("CIFAR-10 python version")
 * @param labelKey   the dictionary's key for the labels
 * @param firstLabel the files' smallest label (ImageNet's are 1 to 1000); labels are shifted to start at 0
 */
public record NumpyBatchSource(String format, List<Batch> files, InputShape shape, int numClasses, String labelKey,
                               int firstLabel) implements ImageSource {

    /** One file, the images it held when the source was made, and whether its images' bytes can be sought. */
    public record Batch(String uri, long images, boolean seekable) implements Serializable {
    }

    /** A file's images (still in the file) and its labels, shifted to start at 0. */
    private record Contents(NumpyArray images, int[] labels) {
    }

    public NumpyBatchSource {
        files = List.copyOf(files);
    }

    /**
     * Checks each file's arrays (dtype, shape, label count and range) by reading everything in it
     * but the images, which stay where they are for the readers.
     */
    public static NumpyBatchSource of(String format, List<DataFile> files, InputShape shape, int numClasses,
                                      String labelKey, int firstLabel, Configuration hadoop) throws IOException {
        NumpyBatchSource empty = new NumpyBatchSource(format, List.of(), shape, numClasses, labelKey, firstLabel);
        List<Batch> batches = new ArrayList<>();
        for (DataFile file : files) {
            Contents contents = empty.contents(file.uri(), hadoop);
            batches.add(new Batch(file.uri(), contents.labels().length, contents.images().seekable()));
        }
        return new NumpyBatchSource(format, batches, shape, numClasses, labelKey, firstLabel);
    }

    @Override
    public long size() {
        return files.stream().mapToLong(Batch::images).sum();
    }

    @Override
    public String describe() {
        return format + " " + files.stream().map(Batch::uri).toList();
    }

    @Override
    public List<Stretch> stretches() {
        return files.stream().map(f -> new Stretch(f.images(), f.seekable())).toList();
    }

    @Override
    public ImageSet read(long from, int count, Configuration hadoop) throws IOException {
        int imageBytes = imageBytes();
        return FilesInSequence.read(this, files.stream().map(Batch::images).toList(), from, count,
                (f, first, n, pixels, labels, at) -> {
                    Batch file = files.get(f);
                    Contents contents = contents(file.uri(), hadoop);
                    if (contents.labels().length != file.images()) {
                        throw new BadInputException(file.uri() + ": holds " + contents.labels().length + " images now, "
                                + file.images() + " when the job started: it was replaced. Give the job files that "
                                + "stay as they are.");
                    }
                    contents.images().readBytes(first * imageBytes, pixels, at * imageBytes, n * imageBytes,
                            file.uri(), hadoop);
                    System.arraycopy(contents.labels(), (int) first, labels, at, n);
                });
    }

    /** Reads and checks one file's dictionary: everything but its images' bytes. */
    private Contents contents(String uri, Configuration hadoop) throws IOException {
        Map<String, ?> dict = isZip(uri, hadoop) ? NpzFile.arrays(uri, hadoop) : NumpyPickle.readDict(uri, hadoop);
        if (!(dict.get("data") instanceof NumpyArray images)) {
            throw new BadInputException(uri + ": no 'data' array in the file (it holds " + new java.util.TreeSet<>(dict.keySet())
                    + "). Is it a file of " + format + "?");
        }
        checkImages(uri, images);
        Object found = dict.get(labelKey);
        int[] labels;
        if (found instanceof NumpyArray array) {
            labels = array.readInts(uri, hadoop);
        } else if (found instanceof List<?> list) {
            labels = list.stream().mapToInt(l -> l instanceof Number number ? number.intValue() : Integer.MIN_VALUE)
                    .toArray();
        } else {
            throw new BadInputException(uri + ": no '" + labelKey + "' list in the file (it holds " + new java.util.TreeSet<>(dict.keySet())
                    + "). Is --dataset right for this file?");
        }
        if (labels.length != images.shape()[0]) {
            throw new BadInputException(uri + ": " + images.shape()[0] + " images but " + labels.length + " labels; "
                    + "the file is damaged or not from the dataset's publisher.");
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] -= firstLabel;
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new BadInputException(uri + ": image " + i + " has label " + (long) (labels[i] + firstLabel)
                        + ", but " + format + " labels are " + firstLabel + " to " + (firstLabel + numClasses - 1)
                        + ". Is --dataset right for this file?");
            }
        }
        return new Contents(images, labels);
    }

    /** uint8, C order, (N, channels x height x width) or (N, channels, height, width). */
    private void checkImages(String uri, NumpyArray images) {
        long[] dims = images.shape();
        long[] flat = {dims.length > 0 ? dims[0] : 0, imageBytes()};
        long[] planar = {flat[0], shape.channels(), shape.height(), shape.width()};
        if (!images.kind().equals("u1")) {
            throw new BadInputException(uri + ": the images are " + images.describe() + ", not bytes (uint8). Is it a "
                    + "file of " + format + "?");
        }
        if (!Arrays.equals(dims, flat) && !Arrays.equals(dims, planar)) {
            throw new BadInputException(uri + ": the images are " + images.describe() + ", but " + format
                    + " has " + shape + " images, stored as (N, " + imageBytes() + "), channels first. Is --dataset "
                    + "right for this file?");
        }
        if (images.fortranOrder() && flat[0] > 1) {
            throw new BadInputException(uri + ": the images are " + images.describe() + "; save them in C order "
                    + "(np.ascontiguousarray), one image after the other.");
        }
    }

    private static boolean isZip(String uri, Configuration hadoop) throws IOException {
        try (InputStream in = DataFile.openAt(uri, 0, hadoop)) {
            return NpzFile.isZip(in.readNBytes(4));
        }
    }
}
