package org.resnetspark.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * NumPy's {@code .npz} files: a zip archive of {@code .npy} files, one per array, stored
 * ({@code np.savez}) or deflated ({@code np.savez_compressed}). The zip's directory is read with
 * commons-compress over the Hadoop file, each {@code .npy} header as NumPy's format document
 * describes it: the magic {@code \x93NUMPY}, a version, the header's length (2 bytes in version 1,
 * 4 in versions 2 and 3, little-endian), then a Python dict literal with {@code descr},
 * {@code fortran_order} and {@code shape}. The arrays' bytes stay in the file.
 */
public final class NpzFile {

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpzFile() {
    }

    /** Whether the file starts as a zip archive does (an {@code .npz}), rather than as a pickle. */
    public static boolean isZip(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    /** The arrays of {@code uri} by name ({@code data}, {@code labels}, ...), their bytes left in the file. */
    public static Map<String, NumpyArray> arrays(String uri, Configuration hadoop) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = HadoopFileSystems.of(path, hadoop);
        long length = fs.getFileStatus(path).getLen();
        Map<String, NumpyArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(new HadoopChannel(fs.open(path, 1 << 16), length), uri, "UTF-8", false)) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                if (!entry.getName().endsWith(".npy")) {
                    continue;
                }
                String name = entry.getName().substring(0, entry.getName().length() - 4);
                if (entry.getMethod() != ZipEntry.STORED && entry.getMethod() != ZipEntry.DEFLATED) {
                    throw new BadInputException(uri + ": the array " + name + " is compressed with zip method "
                            + entry.getMethod() + "; NumPy writes only stored or deflated entries. Save it with "
                            + "np.savez or np.savez_compressed.");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    arrays.put(name, array(in, uri + " (" + entry.getName() + ")", uri, entry));
                }
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new BadInputException(uri + ": not a readable zip archive (" + e.getMessage()
                    + "); the .npz file is truncated or damaged. Download it again.", e);
        }
        return arrays;
    }

    /** One {@code .npy} entry: its header, and where its data starts in the file. */
    private static NumpyArray array(InputStream in, String where, String uri, ZipArchiveEntry entry) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[NPY_MAGIC.length];
        data.readFully(magic);
        if (!java.util.Arrays.equals(magic, NPY_MAGIC)) {
            throw new BadInputException(where + ": not a NumPy .npy array (no \\x93NUMPY magic); the file is damaged "
                    + "or not written by NumPy.");
        }
        int major = data.readUnsignedByte();
        data.readUnsignedByte();
        long headerLength = major == 1 ? Short.toUnsignedInt(Short.reverseBytes(data.readShort()))
                : Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
        long prefix = magic.length + 2 + (major == 1 ? 2 : 4) + headerLength;
        String header = new String(data.readNBytes((int) headerLength), major >= 3 ? StandardCharsets.UTF_8
                : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (major < 1 || major > 3 || !descr.find() || !fortran.find() || !shape.find()) {
            throw new BadInputException(where + ": an .npy header this reader does not understand (version " + major
                    + ", " + header.trim() + "); the arrays of a dataset are plain arrays of numbers.");
        }
        List<Long> dims = new ArrayList<>();
        for (String dim : shape.group(1).split(",")) {
            if (!dim.isBlank()) {
                dims.add(Long.parseLong(dim.trim()));
            }
        }
        NumpyArray.Bytes bytes = entry.getMethod() == ZipEntry.STORED
                ? new NumpyArray.InFile(uri, entry.getDataOffset() + prefix, NumpyArray.Encoding.RAW, 0)
                : new NumpyArray.InFile(uri, entry.getDataOffset(), NumpyArray.Encoding.DEFLATE, prefix);
        return new NumpyArray(descr.group(1), dims.stream().mapToLong(Long::longValue).toArray(),
                fortran.group(1).equals("True"), bytes);
    }

    /** A Hadoop file as the read-only seekable channel commons-compress reads a zip's directory from. */
    private static final class HadoopChannel implements SeekableByteChannel {

        private final FSDataInputStream in;
        private final long size;
        private final byte[] chunk = new byte[1 << 16];
        private boolean open = true;

        HadoopChannel(FSDataInputStream in, long size) {
            this.in = in;
            this.size = size;
        }

        @Override
        public int read(ByteBuffer into) throws IOException {
            int n = in.read(chunk, 0, Math.min(chunk.length, into.remaining()));
            if (n > 0) {
                into.put(chunk, 0, n);
            }
            return n;
        }

        @Override
        public long position() throws IOException {
            return in.getPos();
        }

        @Override
        public SeekableByteChannel position(long position) throws IOException {
            in.seek(Math.min(position, size));
            return this;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public int write(ByteBuffer from) {
            throw new NonWritableChannelException();
        }

        @Override
        public SeekableByteChannel truncate(long to) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            open = false;
            in.close();
        }
    }
}
