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
import org.resnetspark.models.InputShape;
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

    private static final Logger LOG = LoggerFactory.getLogger(IdxFormat.class);

    private IdxFormat() {
    }

    /** The images and labels of one split, checked against the dataset's shape and classes and each other. */
    public static ImageSet read(DataFile imagesFile, DataFile labelsFile, InputShape shape, int numClasses)
            throws IOException {
        byte[] pixels;
        int imageCount;
        try (DataInputStream in = open(imagesFile)) {
            int count = header(in, imagesFile, IMAGES_MAGIC, "image", 3);
            int rows = in.readInt();
            int columns = in.readInt();
            if (rows != shape.height() || columns != shape.width() || shape.channels() != 1) {
                throw new BadInputException(imagesFile + ": images are " + rows + "x" + columns
                        + ", but this dataset needs " + shape + ". Is --dataset right for these files?");
            }
            pixels = ImageSet.allocate(shape, count, imagesFile.uri());
            readExactly(in, pixels, imagesFile, count + " images");
            requireEnd(in, imagesFile, count + " images");
            imageCount = count;
        } catch (ZipException e) {
            throw damagedGzip(imagesFile, e);
        }
        int[] labels;
        try (DataInputStream in = open(labelsFile)) {
            int count = header(in, labelsFile, LABELS_MAGIC, "label", 1);
            byte[] raw = new byte[count];
            readExactly(in, raw, labelsFile, count + " labels");
            requireEnd(in, labelsFile, count + " labels");
            labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xff;
                if (labels[i] >= numClasses) {
                    throw new BadInputException(labelsFile + ": label " + i + " is " + labels[i]
                            + ", but this dataset's labels are 0 to " + (numClasses - 1)
                            + ". The file is damaged or belongs to another dataset.");
                }
            }
        } catch (ZipException e) {
            throw damagedGzip(labelsFile, e);
        }
        if (labels.length != imageCount) {
            throw new BadInputException(imagesFile + " holds " + imageCount + " images but " + labelsFile
                    + " holds " + labels.length + " labels: the two files must come from the same set.");
        }
        LOG.info("{}: {} images with labels from {}", imagesFile, imageCount, labelsFile.name());
        return new ImageSet(shape, numClasses, pixels, labels);
    }

    /** gzip's own messages ("invalid distance too far back", "Corrupt GZIP trailer") name no file. */
    private static BadInputException damagedGzip(DataFile file, ZipException e) {
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

    /** A truncated gzip stream ends with an EOFException, a truncated plain file with a short read. */
    private static void readExactly(InputStream in, byte[] into, DataFile file, String announced) throws IOException {
        boolean complete;
        try {
            complete = in.readNBytes(into, 0, into.length) == into.length;
        } catch (EOFException e) {
            complete = false;
        }
        if (!complete) {
            throw new BadInputException(file + ": the file ends before the " + announced
                    + " its header announces; it is truncated. Download or generate it again.");
        }
    }

    private static void requireEnd(InputStream in, DataFile file, String announced) throws IOException {
        if (in.read() != -1) {
            throw new BadInputException(file + ": more data follows the " + announced
                    + " its header announces; the header or the file is damaged.");
        }
    }

    /** The file's bytes, decompressed when it starts with gzip's magic bytes 1f 8b. */
    static DataInputStream open(DataFile file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(file.open(), 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in);
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
