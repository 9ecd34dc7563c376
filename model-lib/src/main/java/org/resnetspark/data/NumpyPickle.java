package org.resnetspark.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * Python pickles holding NumPy arrays (CIFAR's python version, Downsampled ImageNet), read with
 * Spark's own unpickler (razorvine's) and constructors for NumPy's classes. The one thing changed
 * in the unpickling: a byte string of {@link #LARGE} bytes or more (an array's contents) is not
 * read but skipped, and stands in the result as where it is in the file. Reading a 400 MB batch's
 * dictionary, shapes and labels then reads well under a megabyte, and a part of its images is one
 * seek away, as in CIFAR's binary files.
 *
 * <p>An array pickles as {@code numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')} whose
 * {@code __setstate__} gets {@code (version, shape, dtype, fortran_order, bytes)} (protocols 2 to
 * 4; Python 2 wrote the bytes as a {@code str}, Python 3 at protocol 2 as
 * {@code _codecs.encode(text, 'latin1')}), or from protocol 5 as
 * {@code numpy.core.numeric._frombuffer(bytes, dtype, shape, order)}; a dtype as
 * {@code numpy.dtype('u1', False, True)} whose {@code __setstate__} gets the byte order second.
 * NumPy 2 writes {@code numpy._core} for {@code numpy.core}.
 */
public final class NumpyPickle {

    /** Byte strings from this size on are left in the file. */
    static final int LARGE = 1024;

    private NumpyPickle() {
    }

    /**
     * The dictionary pickled in {@code uri}, its keys as strings (Python 3 code that read CIFAR
     * with {@code encoding='bytes'} and wrote it again has bytes keys), its arrays as
     * {@link NumpyArray}s.
     */
    public static Map<String, Object> readDict(String uri, Configuration hadoop) throws IOException {
        Object loaded;
        Path path = new Path(uri);
        try (Positioned in = new Positioned(HadoopFileSystems.of(path, hadoop).open(path, 1 << 16))) {
            loaded = new Skipping(uri, in).load(in);
        } catch (PickleException | ClassCastException | IllegalStateException | IndexOutOfBoundsException e) {
            throw new BadInputException(uri + ": not a pickle of NumPy arrays this reader understands ("
                    + rootMessage(e) + "). Is it a file of the dataset, as its publisher made it?", e);
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            if (e instanceof java.io.EOFException || message.contains("premature end")
                    || message.contains("expected more bytes")) {
                throw new BadInputException(uri + ": the pickle ends early; the file is truncated. Download it again.", e);
            }
            throw e;
        }
        if (!(loaded instanceof Map<?, ?> map)) {
            throw new BadInputException(uri + ": the pickle holds " + (loaded == null ? "None"
                    : loaded.getClass().getSimpleName()) + ", not the dictionary of a dataset batch.");
        }
        Map<String, Object> dict = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object key = entry.getKey();
            dict.put(key instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : String.valueOf(key),
                    entry.getValue());
        }
        return dict;
    }

    /** The innermost message: the library wraps what a {@code __setstate__} throws. */
    private static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Python 2's {@code str} is read as a Java String of one char per byte, Python 3's bytes as byte[]. */
    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : (String) value;
    }

    private static Object fromBuffer(Object[] args) {
        ArrayState array = new ArrayState();
        array.__setstate__(new Object[] {1, args[2], args[1], "F".equals(text(args[3])), args[0]});
        return array.array;
    }

    /** A byte string left in the file: where it starts and how long it is. */
    private record Skipped(String uri, long offset, long length, boolean utf8) {
        NumpyArray.InFile asLatin1() {
            return new NumpyArray.InFile(uri, offset, NumpyArray.Encoding.LATIN1_TEXT, 0);
        }
    }

    /** A NumPy dtype: type string and, from its state, byte order. */
    public static final class DType {
        private final String type;
        private String order = "|";

        DType(String type) {
            this.type = type;
        }

        public void __setstate__(Object[] state) {
            order = text(state[1]);
        }

        /** As NumPy's {@code dtype.str}: {@code |u1}, {@code <i8}; native order is little-endian on every writer we know. */
        String str() {
            return ("=".equals(order) ? "<" : order) + type;
        }
    }

    /** What {@code _reconstruct} makes; {@code __setstate__} fills it. */
    public static final class ArrayState {
        NumpyArray array;

        public void __setstate__(Object[] state) {
            List<?> dims = state[1] instanceof Object[] tuple ? List.of(tuple) : (List<?>) state[1];
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = ((Number) dims.get(i)).longValue();
            }
            DType dtype = (DType) state[2];
            boolean fortran = state[3] instanceof Boolean b ? b : ((Number) state[3]).intValue() != 0;
            Object data = state[4];
            NumpyArray.Bytes bytes;
            if (data instanceof NumpyArray.Bytes located) {
                bytes = located;
            } else if (data instanceof Skipped skipped) {
                if (skipped.utf8()) {
                    throw new IllegalStateException("an array's contents are a unicode string");
                }
                bytes = new NumpyArray.InFile(skipped.uri(), skipped.offset(), NumpyArray.Encoding.RAW, 0);
            } else if (data instanceof byte[] content) {
                bytes = new NumpyArray.Inline(content);
            } else if (data instanceof String content) {
                bytes = new NumpyArray.Inline(content.getBytes(StandardCharsets.ISO_8859_1));
            } else {
                throw new IllegalStateException("an array's contents are " + (data instanceof List<?>
                        ? "a list of Python objects (dtype object)" : String.valueOf(data)));
            }
            array = new NumpyArray(dtype.str(), shape, fortran, bytes);
        }
    }

    /**
     * The library's unpickler, except that byte strings of {@link #LARGE} bytes or more are
     * skipped with a seek and pushed as {@link Skipped}. Everything else, from the dictionary to
     * the memo, is the library's.
     */
    private static final class Skipping extends Unpickler {

        static {
            for (String core : List.of("numpy.core", "numpy._core")) {
                registerConstructor(core + ".multiarray", "_reconstruct", args -> new ArrayState());
                registerConstructor(core + ".numeric", "_frombuffer", NumpyPickle::fromBuffer);
            }
            registerConstructor("numpy", "dtype", args -> new DType(text(args[0])));
            // Python 3's protocol 2 writes bytes as _codecs.encode(text, 'latin1'): a skipped text
            // stays in the file as bytes to decode; anything else goes to the library's constructor.
            IObjectConstructor encode = objectConstructors.get("_codecs.encode");
            registerConstructor("_codecs", "encode",
                    args -> args[0] instanceof Skipped text ? text.asLatin1() : encode.construct(args));
        }

        private final String uri;
        private final Positioned in;

        Skipping(String uri, Positioned in) {
            this.uri = uri;
            this.in = in;
        }

        @Override
        protected Object dispatch(short key) throws IOException {
            switch (key) {
                case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE ->
                        push(key, PickleUtils.bytes_to_uint(PickleUtils.readbytes(in, 4), 0));
                case Opcodes.BINBYTES8, Opcodes.BYTEARRAY8, Opcodes.BINUNICODE8 ->
                        push(key, PickleUtils.bytes_to_long(PickleUtils.readbytes(in, 8), 0));
                case Opcodes.STOP -> {
                    return unwrap(super.dispatch(key));
                }
                default -> {
                    return super.dispatch(key);
                }
            }
            return NO_RETURN_VALUE;
        }

        /** What the library would push for a length-prefixed string, unless it is large. */
        private void push(short opcode, long length) throws IOException {
            boolean unicode = opcode == Opcodes.BINUNICODE || opcode == Opcodes.BINUNICODE8;
            if (length >= LARGE) {
                stack.add(new Skipped(uri, in.position(), length, unicode));
                in.skipTo(in.position() + length);
                return;
            }
            byte[] data = PickleUtils.readbytes(in, (int) length);
            stack.add(unicode ? new String(data, StandardCharsets.UTF_8)
                    : opcode == Opcodes.BINSTRING ? PickleUtils.rawStringFromBytes(data) : data);
        }

        /** Arrays inside the result are ArrayStates until here; the dictionary's values become NumpyArrays. */
        private static Object unwrap(Object value) {
            if (value instanceof ArrayState state) {
                return state.array;
            }
            if (value instanceof Map<?, ?> map) {
                Map<Object, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(k, v instanceof ArrayState s ? s.array : v));
                return copy;
            }
            return value;
        }
    }

    /**
     * A Hadoop file read through a buffer that knows its position, so that a skipped string's
     * offset is known and skipping it is a seek, not a read.
     */
    private static final class Positioned extends InputStream {

        private final FSDataInputStream file;
        private final byte[] buffer = new byte[1 << 16];
        private long bufferStart;
        private int length;
        private int at;

        Positioned(FSDataInputStream file) {
            this.file = file;
        }

        long position() {
            return bufferStart + at;
        }

        void skipTo(long position) throws IOException {
            if (position <= bufferStart + length) {
                at = (int) (position - bufferStart);
                return;
            }
            file.seek(position);
            bufferStart = position;
            length = 0;
            at = 0;
        }

        private boolean fill() throws IOException {
            bufferStart += length;
            at = 0;
            length = Math.max(0, file.read(buffer, 0, buffer.length));
            return length > 0;
        }

        @Override
        public int read() throws IOException {
            if (at == length && !fill()) {
                return -1;
            }
            return buffer[at++] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int count) throws IOException {
            if (count == 0) {
                return 0;
            }
            if (at == length && !fill()) {
                return -1;
            }
            int n = Math.min(count, length - at);
            System.arraycopy(buffer, at, into, offset, n);
            at += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
