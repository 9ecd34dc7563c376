package org.resnetspark.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.resnetspark.models.InputShape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CIFAR binary format: fixed-size records of label bytes then 3072 pixel bytes (1024 red,
 * 1024 green, 1024 blue, each 32 rows of 32), no header. CIFAR-10 has one label byte; CIFAR-100
 * two, the coarse (20 superclasses) then the fine label (100 classes), which is the class used.
 */
public final class CifarBinary {

    public static final CifarBinary CIFAR10 = new CifarBinary("CIFAR-10", 1, 10);
    public static final CifarBinary CIFAR100 = new CifarBinary("CIFAR-100", 2, 100);

    /** CIFAR-100's superclasses: the coarse label byte must be below this. */
    static final int COARSE_CLASSES = 20;

    private static final Logger LOG = LoggerFactory.getLogger(CifarBinary.class);

    private final String name;
    private final int labelBytes;
    private final int numClasses;

    private CifarBinary(String name, int labelBytes, int numClasses) {
        this.name = name;
        this.labelBytes = labelBytes;
        this.numClasses = numClasses;
    }

    public int recordBytes() {
        return labelBytes + imageBytes();
    }

    private static int imageBytes() {
        InputShape s = InputShape.CIFAR;
        return s.channels() * s.height() * s.width();
    }

    /**
     * Every record of {@code file}. Any whole number of records is accepted (subsets, synthetic
     * sets) and the count is logged; a partial record or a label out of range is an error.
     */
    public ImageSet read(DataFile file) throws IOException {
        long length = file.length();
        if (length == 0 || length % recordBytes() != 0) {
            throw new BadInputException(file + ": " + length + " bytes is not a whole number of " + name
                    + " records of " + recordBytes() + " bytes (" + labelBytes + " label + " + imageBytes()
                    + " pixel bytes): " + (length == 0 ? "the file is empty" : length / recordBytes()
                    + " records and " + length % recordBytes() + " bytes of a partial one")
                    + ". The file is truncated or not " + name + " binary; download or generate it again.");
        }
        int count = Math.toIntExact(length / recordBytes());
        byte[] pixels = ImageSet.allocate(InputShape.CIFAR, count, file.uri());
        int[] labels = new int[count];
        byte[] label = new byte[labelBytes];
        try (InputStream in = new BufferedInputStream(file.open(), 1 << 16)) {
            for (int i = 0; i < count; i++) {
                readFully(in, label, 0, labelBytes, file, i, count);
                readFully(in, pixels, i * imageBytes(), imageBytes(), file, i, count);
                labels[i] = checkedLabel(label, file, i);
            }
        }
        LOG.info("{}: {} images", file, count);
        return new ImageSet(InputShape.CIFAR, numClasses, pixels, labels);
    }

    private int checkedLabel(byte[] label, DataFile file, int record) {
        int fine = label[labelBytes - 1] & 0xff;
        if (fine >= numClasses) {
            throw new BadInputException(file + ": record " + record + " has label " + fine + ", but " + name
                    + " labels are 0 to " + (numClasses - 1) + ". " + (labelBytes == 1
                    ? "Is this a CIFAR-100 file? Then use --dataset cifar100."
                    : "The file is damaged or not CIFAR-100 binary; download or generate it again."));
        }
        if (labelBytes == 2 && (label[0] & 0xff) >= COARSE_CLASSES) {
            throw new BadInputException(file + ": record " + record + " has coarse label " + (label[0] & 0xff)
                    + ", but CIFAR-100 coarse labels are 0 to " + (COARSE_CLASSES - 1)
                    + ". Is this a CIFAR-10 file? Then use --dataset cifar10.");
        }
        return fine;
    }

    /** readNBytes returns fewer bytes than asked only at the end of the stream. */
    private void readFully(InputStream in, byte[] into, int offset, int length, DataFile file, int record, int count)
            throws IOException {
        if (in.readNBytes(into, offset, length) < length) {
            throw truncated(file, record, count);
        }
    }

    private BadInputException truncated(DataFile file, int record, int count) {
        return new BadInputException(file + ": the file ended in record " + record + " of the " + count
                + " its size announced; it is being written or damaged. Download or generate it again.");
    }

    /** Writes {@code images} as records; CIFAR-100's coarse label is written as fine / 5 (synthetic sets only). */
    public void write(ImageSet images, OutputStream out) throws IOException {
        if (!images.shape().equals(InputShape.CIFAR) || images.numClasses() != numClasses) {
            throw new IllegalArgumentException(name + " holds " + InputShape.CIFAR + " images of " + numClasses
                    + " classes, not " + images.shape() + " of " + images.numClasses());
        }
        for (int i = 0; i < images.size(); i++) {
            if (labelBytes == 2) {
                out.write(images.label(i) * COARSE_CLASSES / numClasses);
            }
            out.write(images.label(i));
            out.write(images.pixels(), images.offset(i), imageBytes());
        }
    }
}
