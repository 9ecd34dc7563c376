package org.resnetspark.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.hadoop.conf.Configuration;

/**
 * A NumPy array as a pickle or an {@code .npy} header describes it: its dtype (NumPy's type
 * string, e.g. {@code |u1} or {@code <i8}), its shape and order, and where its bytes are. The
 * bytes stay in the file until a reader asks for a part of them, so a 400 MB array costs the
 * machine that describes it nothing.
 */
public record NumpyArray(String dtype, long[] shape, boolean fortranOrder, Bytes bytes) {

    /** Where an array's bytes are. */
    public sealed interface Bytes permits Inline, InFile {
    }

    /** Small arrays, read with the rest of the pickle. */
    public record Inline(byte[] content) implements Bytes {
    }

    /**
     * Bytes in a file from {@code offset}: as they are ({@link Encoding#RAW}), or in a stream a
     * reader must decode from its start, where the array's bytes begin after {@code prefix}
     * decoded bytes (an {@code .npy} header in a compressed {@code .npz} entry).
     */
    public record InFile(String uri, long offset, Encoding encoding, long prefix) implements Bytes {
    }

    public enum Encoding {
        /** The bytes themselves: any part is read by seeking to it. */
        RAW,
        /**
         * Python 3's pickles of protocol 2 store bytes as {@code _codecs.encode(text, 'latin1')}:
         * each byte a character, the text in UTF-8, so byte {@code i} is found only by decoding
         * the text before it.
         */
        LATIN1_TEXT,
        /** A deflate-compressed zip entry ({@code np.savez_compressed}). */
        DEFLATE
    }

    /** Elements in the array. */
    public long size() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    /** Whether any part of the bytes is read at the cost of that part alone. */
    public boolean seekable() {
        return !(bytes instanceof InFile file) || file.encoding() == Encoding.RAW;
    }

    /** The dtype without its byte order: {@code u1}, {@code i8}, ... */
    public String kind() {
        return dtype.substring(dtype.length() - 2);
    }

    public String describe() {
        return "a " + Arrays.toString(shape).replace('[', '(').replace(']', ')') + " array of " + dtype
                + (fortranOrder ? " in Fortran order" : "");
    }

    /** The array's bytes from byte {@code from} on. */
    public InputStream open(long from, Configuration hadoop) throws IOException {
        if (bytes instanceof Inline inline) {
            ByteArrayInputStream in = new ByteArrayInputStream(inline.content());
            in.skipNBytes(Math.min(from, inline.content().length));
            return in;
        }
        InFile file = (InFile) bytes;
        switch (file.encoding()) {
            case RAW:
                return DataFile.openAt(file.uri(), file.offset() + from, hadoop);
            case DEFLATE: {
                InputStream in = new InflaterInputStream(DataFile.openAt(file.uri(), file.offset(), hadoop),
                        new Inflater(true), 1 << 16);
                skip(in, file.prefix() + from, file.uri());
                return in;
            }
            default: {
                InputStream in = new Latin1Text(DataFile.openAt(file.uri(), file.offset(), hadoop), file.uri());
                skip(in, from, file.uri());
                return in;
            }
        }
    }

    /** Bytes {@code from} to {@code from + length} into {@code into} at {@code offset}: a uint8 array's pixels. */
    public void readBytes(long from, byte[] into, int offset, int length, String uri, Configuration hadoop)
            throws IOException {
        try (InputStream in = open(from, hadoop)) {
            if (in.readNBytes(into, offset, length) < length) {
                throw new EOFException();
            }
        } catch (EOFException e) {
            throw new BadInputException(uri + ": the file ends inside " + describe() + " that the job's start found in "
                    + "it: it is truncated, being written or was replaced. Download it again.");
        }
    }

    /** Every element of an integer array (labels), as ints. */
    public int[] readInts(String uri, Configuration hadoop) throws IOException {
        String kind = kind();
        int width = kind.charAt(1) - '0';
        if ((kind.charAt(0) != 'i' && kind.charAt(0) != 'u') || Integer.bitCount(width) != 1 || shape.length != 1) {
            throw new BadInputException(uri + ": labels are " + describe() + ", not a list or a one-dimensional "
                    + "array of integers. Is this file from the dataset's publisher?");
        }
        byte[] raw = new byte[Math.toIntExact(size() * width)];
        readBytes(0, raw, 0, raw.length, uri, hadoop);
        boolean bigEndian = dtype.charAt(0) == '>';
        int[] values = new int[(int) size()];
        for (int i = 0; i < values.length; i++) {
            long value = 0;
            for (int b = 0; b < width; b++) {
                int at = i * width + (bigEndian ? b : width - 1 - b);
                value = (value << 8) | (raw[at] & 0xff);
            }
            if (kind.charAt(0) == 'i' && width < 8) {
                value = (value << (64 - 8 * width)) >> (64 - 8 * width);   // sign-extend
            }
            values[i] = value < Integer.MIN_VALUE || value > Integer.MAX_VALUE ? Integer.MIN_VALUE : (int) value;
        }
        return values;
    }

    private static void skip(InputStream in, long n, String uri) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw new BadInputException(uri + ": the file ends before byte " + n + " of an array it announces; it is "
                    + "truncated or damaged. Download it again.");
        }
    }

    /** The bytes of latin-1 text written as UTF-8: one byte per character, every character below 256. */
    private static final class Latin1Text extends InputStream {

        private final Reader text;
        private final String uri;
        private final char[] chars = new char[1 << 16];
        private int length;
        private int at;

        Latin1Text(InputStream utf8, String uri) {
            this.text = new InputStreamReader(utf8, StandardCharsets.UTF_8);
            this.uri = uri;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int count) throws IOException {
            if (count == 0) {
                return 0;
            }
            if (at == length) {
                length = Math.max(0, text.read(chars));
                at = 0;
                if (length == 0) {
                    return -1;
                }
            }
            int n = Math.min(count, length - at);
            for (int i = 0; i < n; i++) {
                char c = chars[at++];
                if (c > 0xff) {
                    throw new BadInputException(uri + ": an array's bytes, pickled as latin-1 text, hold the "
                            + "character U+" + Integer.toHexString(c) + "; the file is damaged.");
                }
                into[offset + i] = (byte) c;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            text.close();
        }
    }
}
