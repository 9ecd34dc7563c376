package org.resnetspark.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Dataset batches as their publishers wrote them, for the tests: pickled dictionaries of NumPy
 * arrays (by {@link PythonPickler}) and {@code .npz} archives of {@code .npy} files (NumPy's
 * format 1.0 header, padded to 64 bytes; entries stored as {@code np.savez} or deflated as
 * {@code np.savez_compressed}).
 */
public final class NumpyDatasetFiles {

    /** How a batch file is written. */
    public enum Writer {
        PYTHON2(2), PYTHON3_PROTOCOL2(2), PYTHON3_PROTOCOL3(3), PYTHON3_PROTOCOL4(4), PYTHON3_PROTOCOL5(5),
        NPZ(0), NPZ_COMPRESSED(0);

        final int protocol;

        Writer(int protocol) {
            this.protocol = protocol;
        }

        boolean npz() {
            return this == NPZ || this == NPZ_COMPRESSED;
        }
    }

    private NumpyDatasetFiles() {
    }

    /**
     * Writes {@code images} with labels plus {@code firstLabel} under {@code labelKey} (a list in
     * pickles, an int64 array in npz), and for CIFAR-100 ({@code fine_labels}) the coarse labels too.
     */
    public static void write(Path file, ImageSet images, String labelKey, int firstLabel, Writer writer) throws IOException {
        Files.createDirectories(file.getParent());
        long[] shape = {images.size(), images.imageBytes()};
        List<Long> labels = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            labels.add((long) images.label(i) + firstLabel);
        }
        if (writer.npz()) {
            Map<String, byte[]> arrays = new LinkedHashMap<>();
            arrays.put("data", npy("|u1", shape, images.pixels()));
            arrays.put(labelKey, npy("<i8", new long[] {labels.size()}, int64(labels)));
            writeZip(file, arrays, writer == Writer.NPZ_COMPRESSED);
            return;
        }
        Map<Object, Object> dict = new LinkedHashMap<>();
        if (writer == Writer.PYTHON2) {
            dict.put("batch_label", "training batch 1 of 5");
            dict.put("data", PythonPickler.ndarrayPython2("u1", shape, images.pixels()));
            dict.put(labelKey, labels);
            dict.put("filenames", labels.stream().map(l -> "image_" + l + ".png").toList());
            Files.write(file, PythonPickler.python2(dict));
            return;
        }
        int protocol = writer.protocol;
        dict.put("data", PythonPickler.ndarray("u1", shape, images.pixels(), "numpy._core", protocol));
        dict.put(labelKey, labels);
        if (labelKey.equals("fine_labels")) {
            dict.put("coarse_labels", labels.stream().map(l -> l / 5).toList());
        }
        Files.write(file, PythonPickler.python3(dict, protocol));
    }

    /** An .npy file: magic, version 1.0, header length, the header dict padded to 64 bytes, the data. */
    static byte[] npy(String dtype, long[] shape, byte[] data) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        StringBuilder header = new StringBuilder("{'descr': '" + dtype + "', 'fortran_order': False, 'shape': "
                + shapeText + ", }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                (byte) header.length(), (byte) (header.length() >> 8)});
        out.writeBytes(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] int64(List<Long> values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.size()).order(ByteOrder.LITTLE_ENDIAN);
        values.forEach(buffer::putLong);
        return buffer.array();
    }

    /** A zip of NAME.npy entries, as np.savez (stored) or np.savez_compressed (deflated) makes it. */
    static void writeZip(Path file, Map<String, byte[]> arrays, boolean deflate) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(raw)) {
            for (Map.Entry<String, byte[]> array : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(array.getKey() + ".npy");
                byte[] content = array.getValue();
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(content.length);
                    entry.setCompressedSize(content.length);
                    entry.setCrc(crc.getValue());
                } else {
                    entry.setMethod(ZipEntry.DEFLATED);
                }
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
        }
    }
}
