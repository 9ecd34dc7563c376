package org.resnetspark.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IDX format of MNIST and Fashion-MNIST, plain or gzip (recognised by its first bytes, not
 * the name): a big-endian header (magic 0x00000803 and count, rows, columns for images; magic
 * 0x00000801 and count for labels), then one unsigned byte per pixel or label.
 */
public final class IdxFormat {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    static final int IMAGES_HEADER = 16;
    static final int LABELS_HEADER = 8;

    private static final Logger LOG = LoggerFactory.getLogger(IdxFormat.class);

    private IdxFormat() {
    }

    /** The images and labels of one split, checked against the dataset's shape and classes and each other. */
    public static ImageSet read(DataFile imagesFile, DataFile labelsFile, InputShape shape, int numClasses)
            throws IOException {
        ImageSet images = source(imagesFile, labelsFile, shape, numClasses).readAll(imagesFile.fs().getConf());
        LOG.info("{}: {} images with labels from {}", imagesFile, images.size(), labelsFile.name());
        return images;
    }

    /**
     * One split as a source that reads in parts, after checking what can be checked without reading
     * the items: both headers, the shape, equal counts, and for plain files that the sizes match
     * the headers (a gzip file's length is known only once read, so its parts check that).
     */
    public static IdxSource source(DataFile imagesFile, DataFile labelsFile, InputShape shape, int numClasses)
            throws IOException {
        int imageBytes = shape.channels() * shape.height() * shape.width();
        boolean imagesGzip = isGzip(imagesFile);
        int imageCount;
        try (DataInputStream in = open(imagesFile.uri(), imagesGzip, 0, imagesFile.fs().getConf())) {
            imageCount = header(in, imagesFile, IMAGES_MAGIC, "image", 3);
            int rows = in.readInt();
            int columns = in.readInt();
            if (rows != shape.height() || columns != shape.width() || shape.channels() != 1) {
                throw new BadInputException(imagesFile + ": images are " + rows + "x" + columns
                        + ", but this dataset needs " + shape + ". Is --dataset right for these files?");
            }
        } catch (ZipException e) {
            throw damagedGzip(imagesFile.uri(), e);
        }
        boolean labelsGzip = isGzip(labelsFile);
        int labelCount;
        try (DataInputStream in = open(labelsFile.uri(), labelsGzip, 0, labelsFile.fs().getConf())) {
            labelCount = header(in, labelsFile, LABELS_MAGIC, "label", 1);
        } catch (ZipException e) {
            throw damagedGzip(labelsFile.uri(), e);
        }
        if (!imagesGzip) {
            requireLength(imagesFile, IMAGES_HEADER + (long) imageCount * imageBytes, imageCount + " images");
        }
        if (!labelsGzip) {
            requireLength(labelsFile, LABELS_HEADER + (long) labelCount, labelCount + " labels");
        }
        if (labelCount != imageCount) {
            throw new BadInputException(imagesFile + " holds " + imageCount + " images but " + labelsFile
                    + " holds " + labelCount + " labels: the two files must come from the same set.");
        }
        return new IdxSource(imagesFile.uri(), imagesGzip, labelsFile.uri(), labelsGzip, shape, numClasses, imageCount);
    }

    /** Images {@code from} to {@code from + count} of a checked split; see {@link IdxSource}. */
    static ImageSet read(IdxSource source, long from, int count, Configuration hadoop) throws IOException {
        byte[] pixels = ImageSet.allocate(source.shape(), count, source.images());
        boolean last = from + count == source.size();
        try (DataInputStream in = open(source.images(), source.imagesGzip(),
                IMAGES_HEADER + from * source.imageBytes(), hadoop)) {
            readExactly(in, pixels, source.images(), source.size() + " images");
            if (last) {
                requireEnd(in, source.images(), source.size() + " images");
            }
        } catch (ZipException e) {
            throw damagedGzip(source.images(), e);
        }
        byte[] raw = new byte[count];
        try (DataInputStream in = open(source.labels(), source.labelsGzip(), LABELS_HEADER + from, hadoop)) {
            readExactly(in, raw, source.labels(), source.size() + " labels");
            if (last) {
                requireEnd(in, source.labels(), source.size() + " labels");
            }
        } catch (ZipException e) {
            throw damagedGzip(source.labels(), e);
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = raw[i] & 0xff;
            if (labels[i] >= source.numClasses()) {
                throw new BadInputException(source.labels() + ": label " + (from + i) + " is " + labels[i]
                        + ", but this dataset's labels are 0 to " + (source.numClasses() - 1)
                        + ". The file is damaged or belongs to another dataset.");
            }
        }
        return new ImageSet(source.shape(), source.numClasses(), pixels, labels);
    }

    /** gzip's own messages ("invalid distance too far back", "Corrupt GZIP trailer") name no file. */
    private static BadInputException damagedGzip(String file, ZipException e) {
        return new BadInputException(file + ": the gzip data is damaged (" + e.getMessage()
                + "). Download the file again.", e);
    }

    /** Reads and checks the magic number and dimension count; returns the item count. */
    private static int header(DataInputStream in, DataFile file, int magic, String kind, int dimensions)
            throws IOException {
        try {
            int found = in.readInt();
            if (found != magic) {
                throw new BadInputException(String.format("%s: not an IDX %s file: magic number 0x%08x, "
                                + "expected 0x%08x (unsigned bytes, %d dimension%s). Check that the %s file is "
                                + "this one and not damaged.", file, kind, found, magic, dimensions,
                        dimensions == 1 ? "" : "s", kind));
            }
            int count = in.readInt();
            if (count < 0) {
                throw new BadInputException(file + ": the header announces " + count + " " + kind
                        + "s; the file is damaged.");
            }
            return count;
        } catch (EOFException e) {
            throw new BadInputException(file + ": the file ends inside its IDX header (" + file.length()
                    + " bytes); it is truncated or empty. Download or generate it again.");
        }
    }

    private static void requireLength(DataFile file, long expected, String announced) {
        if (file.length() < expected) {
            throw truncated(file.uri(), announced);
        }
        if (file.length() > expected) {
            throw trailingData(file.uri(), announced);
        }
    }

    /** A truncated gzip stream ends with an EOFException, a truncated plain file with a short read. */
    private static void readExactly(InputStream in, byte[] into, String file, String announced) throws IOException {
        boolean complete;
        try {
            complete = in.readNBytes(into, 0, into.length) == into.length;
        } catch (EOFException e) {
            complete = false;
        }
        if (!complete) {
            throw truncated(file, announced);
        }
    }

    private static void requireEnd(InputStream in, String file, String announced) throws IOException {
        if (in.read() != -1) {
            throw trailingData(file, announced);
        }
    }

    private static BadInputException truncated(String file, String announced) {
        return new BadInputException(file + ": the file ends before the " + announced
                + " its header announces; it is truncated. Download or generate it again.");
    }

    private static BadInputException trailingData(String file, String announced) {
        return new BadInputException(file + ": more data follows the " + announced
                + " its header announces; the header or the file is damaged.");
    }

    /** Whether the file starts with gzip's magic bytes 1f 8b (the name does not decide). */
    private static boolean isGzip(DataFile file) throws IOException {
        try (InputStream in = file.open()) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** The file's bytes from {@code offset} on, decompressed when {@code gzip} (skipping costs a read there). */
    private static DataInputStream open(String uri, boolean gzip, long offset, Configuration hadoop) throws IOException {
        if (!gzip) {
            return new DataInputStream(DataFile.openAt(uri, offset, hadoop));
        }
        InputStream in = new BufferedInputStream(new GZIPInputStream(DataFile.openAt(uri, 0, hadoop), 1 << 16), 1 << 16);
        try {
            in.skipNBytes(offset);
        } catch (EOFException e) {
            in.close();
            throw new BadInputException(uri + ": the file ends before byte " + offset + " of its data; it is "
                    + "truncated. Download or generate it again.");
        }
        return new DataInputStream(in);
    }

    public static void writeImages(ImageSet images, OutputStream out) throws IOException {
        if (images.shape().channels() != 1) {
            throw new IllegalArgumentException("IDX holds grey images, not " + images.shape());
        }
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(IMAGES_MAGIC);
        data.writeInt(images.size());
        data.writeInt(images.shape().height());
        data.writeInt(images.shape().width());
        data.write(images.pixels());
        data.flush();
    }

    public static void writeLabels(ImageSet images, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(LABELS_MAGIC);
        data.writeInt(images.size());
        for (int i = 0; i < images.size(); i++) {
            data.write(images.label(i));
        }
        data.flush();
    }
}
