package org.resnetspark.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CIFAR binary format: fixed-size records of label bytes then 3072 pixel bytes (1024 red,
 * 1024 green, 1024 blue, each 32 rows of 32), no header. CIFAR-10 has one label byte; CIFAR-100
 * two, the coarse (20 superclasses) then the fine label (100 classes), which is the class used.
 */
public final class CifarBinary implements Serializable {

    private static final long serialVersionUID = 1L;

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

    public String name() {
        return name;
    }

    public int numClasses() {
        return numClasses;
    }

    /**
     * The records in {@code file}, from its size. Any whole number of records is accepted (subsets,
     * synthetic sets); a partial record is an error.
     */
    public long records(DataFile file) {
        long length = file.length();
        if (length == 0 || length % recordBytes() != 0) {
            throw new BadInputException(file + ": " + length + " bytes is not a whole number of " + name
                    + " records of " + recordBytes() + " bytes (" + labelBytes + " label + " + imageBytes()
                    + " pixel bytes): " + (length == 0 ? "the file is empty" : length / recordBytes()
                    + " records and " + length % recordBytes() + " bytes of a partial one")
                    + ". The file is truncated or not " + name + " binary; download or generate it again.");
        }
        return length / recordBytes();
    }

    /** Every record of {@code file}; a partial record or a label out of range is an error. */
    public ImageSet read(DataFile file) throws IOException {
        CifarSource source = new CifarSource(this, List.of(new CifarSource.FileSpan(file.uri(), records(file))));
        ImageSet images = source.readAll(file.fs().getConf());
        LOG.info("{}: {} images", file, images.size());
        return images;
    }

    /**
     * Reads {@code count} records from {@code in}, which stands at record {@code first} of
     * {@code uri} (a file of {@code fileRecords} records), into image {@code at} onwards.
     */
    void readRecords(InputStream in, String uri, long first, long fileRecords, int count, byte[] pixels, int[] labels,
                     int at) throws IOException {
        byte[] label = new byte[labelBytes];
        for (int i = 0; i < count; i++) {
            long record = first + i;
            readFully(in, label, 0, labelBytes, uri, record, fileRecords);
            readFully(in, pixels, (at + i) * imageBytes(), imageBytes(), uri, record, fileRecords);
            labels[at + i] = checkedLabel(label, uri, record);
        }
    }

    private int checkedLabel(byte[] label, String file, long record) {
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
    private static void readFully(InputStream in, byte[] into, int offset, int length, String file, long record,
                                  long count) throws IOException {
        if (in.readNBytes(into, offset, length) < length) {
            throw truncated(file, record, count);
        }
    }

    private static BadInputException truncated(String file, long record, long count) {
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
