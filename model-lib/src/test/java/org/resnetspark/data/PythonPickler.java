package org.resnetspark.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the pickles of dataset batches as Python writes them, opcode for opcode, so that the
 * tests read files in the real format without Python: a dictionary of str keys to NumPy arrays,
 * lists of ints and strs. For Python 3 (CPython 3.11's C pickler, NumPy 2) the bytes are those of
 * {@code pickle.dumps(d, protocol)} for protocols 2 to 5, memo, framing and all (checked once
 * against Debian's python3-numpy); for Python 2 ({@code cPickle}, protocol 2, as CIFAR's python
 * version was written) the opcodes are Python 2's: {@code str} as BINSTRING, memo from 1, NumPy's
 * dtype arguments as ints and its module {@code numpy.core}.
 */
final class PythonPickler {

    /** A Python 2 {@code str} or Python 3 {@code bytes}. */
    record Bytes(byte[] value) {
    }

    /** A writable buffer pickled in band (protocol 5's {@code PickleBuffer} of an array). */
    record ByteArray(byte[] value) {
    }

    record Global(String module, String name) {
    }

    /** {@code func(*args)}, then {@code __setstate__(state)} when state is not null. */
    record Reduce(Global func, Object[] args, Object state) {
    }

    private static final int FRAME_SIZE_TARGET = 64 * 1024;

    private final int protocol;
    private final boolean python2;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteArrayOutputStream frame;
    private final Map<Object, Integer> memoByValue = new HashMap<>();
    private final Map<Object, Integer> memoByIdentity = new IdentityHashMap<>();
    private int memoSize;

    private PythonPickler(int protocol, boolean python2) {
        this.protocol = protocol;
        this.python2 = python2;
    }

    /** Python 3's {@code pickle.dumps(value, protocol)}. */
    static byte[] python3(Object value, int protocol) {
        return new PythonPickler(protocol, false).dump(value);
    }

    /** Python 2's {@code cPickle.dumps(value, 2)}. */
    static byte[] python2(Object value) {
        return new PythonPickler(2, true).dump(value);
    }

    /**
     * A uint8 or int64 NumPy array as NumPy reduces it: {@code _reconstruct} and a state up to
     * protocol 4, {@code _frombuffer} from protocol 5.
     */
    static Reduce ndarray(String type, long[] shape, byte[] data, String core, int protocol) {
        Object[] dims = new Object[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        if (protocol >= 5) {
            return new Reduce(new Global(core + ".numeric", "_frombuffer"),
                    new Object[] {new ByteArray(data), dtype(type, false), dims, "C"}, null);
        }
        return new Reduce(new Global(core + ".multiarray", "_reconstruct"),
                new Object[] {new Global("numpy", "ndarray"), new Object[] {0L}, new Bytes(new byte[] {'b'})},
                new Object[] {1L, dims, dtype(type, false), false, new Bytes(data)});
    }

    /** The same for Python 2: NumPy 1's module, dtype arguments as ints. */
    static Reduce ndarrayPython2(String type, long[] shape, byte[] data) {
        Object[] dims = new Object[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        return new Reduce(new Global("numpy.core.multiarray", "_reconstruct"),
                new Object[] {new Global("numpy", "ndarray"), new Object[] {0L}, new Bytes(new byte[] {'b'})},
                new Object[] {1L, dims, dtype(type, true), false, new Bytes(data)});
    }

    private static Reduce dtype(String type, boolean python2) {
        String order = type.equals("u1") ? "|" : "<";
        return new Reduce(new Global("numpy", "dtype"),
                new Object[] {python2 ? new Bytes(type.getBytes(StandardCharsets.ISO_8859_1)) : type,
                        python2 ? (Object) 0L : false, python2 ? (Object) 1L : true},
                new Object[] {3L, python2 ? new Bytes(order.getBytes(StandardCharsets.ISO_8859_1)) : order,
                        null, null, null, -1L, -1L, 0L});
    }

    private byte[] dump(Object value) {
        write(0x80, protocol);
        if (protocol >= 4) {
            frame = new ByteArrayOutputStream();
        }
        save(value);
        write('.');
        commitFrame();
        return out.toByteArray();
    }

    private void save(Object value) {
        if (value == null) {
            write('N');
        } else if (value instanceof Boolean b) {
            write(b ? 0x88 : 0x89);
        } else if (value instanceof Long || value instanceof Integer) {
            saveInt(((Number) value).longValue());
        } else if (value instanceof String s) {
            saveString(s);
        } else if (value instanceof Bytes b) {
            saveBytes(b);
        } else if (value instanceof ByteArray b) {
            writeLarge(header(0x96, b.value().length, 8), b.value());
            memoize(b);
        } else if (value instanceof Global g) {
            saveGlobal(g);
        } else if (value instanceof Object[] tuple) {
            saveTuple(tuple);
        } else if (value instanceof List<?> list) {
            write(']');
            memoize(list);
            saveBatched(list, 'a', 'e');
        } else if (value instanceof Map<?, ?> map) {
            write('}');
            memoize(map);
            saveItems(map);
        } else if (value instanceof Reduce r) {
            save(r.func());
            save(r.args());
            write('R');
            memoize(r);
            if (r.state() != null) {
                save(r.state());
                write('b');
            }
        } else {
            throw new IllegalArgumentException("cannot pickle " + value);
        }
        opcodeBoundary();
    }

    private void saveInt(long v) {
        if (v >= 0 && v <= 0xff) {
            write('K', (int) v);
        } else if (v >= 0 && v <= 0xffff) {
            write('M', (int) (v & 0xff), (int) (v >> 8));
        } else {
            write('J');
            writeLittle(v, 4);
        }
    }

    private void saveString(String s) {
        if (getMemo(s)) {
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (python2) {
            saveBytes(new Bytes(s.getBytes(StandardCharsets.ISO_8859_1)));
            return;
        }
        if (protocol >= 4 && utf8.length < 256) {
            write(0x8c, utf8.length);
            writeRaw(utf8);
        } else {
            writeLarge(header('X', utf8.length, 4), utf8);
        }
        memoize(s);
    }

    private void saveBytes(Bytes b) {
        byte[] v = b.value();
        if (python2) {
            String key = "str:" + new String(v, StandardCharsets.ISO_8859_1);
            if (v.length < 64 && memoByValue.containsKey(key)) {
                get(memoByValue.get(key));
                return;
            }
            if (v.length < 256) {
                write('U', v.length);
                writeRaw(v);
            } else {
                writeLarge(header('T', v.length, 4), v);
            }
            if (v.length < 64) {
                memoByValue.put(key, memoSize);
            }
            put();
            return;
        }
        if (protocol < 3) {
            // Python 3 writes bytes at protocol 2 as _codecs.encode(text, 'latin1').
            save(new Global("_codecs", "encode"));
            save(new Object[] {new String(v, StandardCharsets.ISO_8859_1), "latin1"});
            write('R');
            memoize(b);
            return;
        }
        if (v.length < 256) {
            write('C', v.length);
            writeRaw(v);
        } else {
            writeLarge(header('B', v.length, 4), v);
        }
        memoize(b);
    }

    private void saveGlobal(Global g) {
        if (getMemo(g)) {
            return;
        }
        if (protocol >= 4) {
            save(g.module());
            save(g.name());
            write(0x93);
        } else {
            write('c');
            writeRaw((g.module() + "\n" + g.name() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        memoize(g);
    }

    private void saveTuple(Object[] tuple) {
        if (tuple.length == 0) {
            write(')');
            return;
        }
        if (tuple.length <= 3) {
            for (Object item : tuple) {
                save(item);
            }
            write(0x84 + tuple.length);
        } else {
            write('(');
            for (Object item : tuple) {
                save(item);
            }
            write('t');
        }
        if (!python2) {
            memoize(tuple);
        }
    }

    /** As the C pickler's batch_list_exact: one item with APPEND, more with MARK ... APPENDS per 1000. */
    private void saveBatched(List<?> items, int one, int many) {
        if (items.size() == 1) {
            save(items.get(0));
            write(one);
            return;
        }
        for (int start = 0; start < items.size(); start += 1000) {
            write('(');
            items.subList(start, Math.min(items.size(), start + 1000)).forEach(this::save);
            write(many);
        }
    }

    /** As batch_dict_exact: one item with SETITEM, more with MARK ... SETITEMS per 1000. */
    private void saveItems(Map<?, ?> map) {
        List<Object> flat = new java.util.ArrayList<>();
        map.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        if (flat.size() == 2) {
            save(flat.get(0));
            save(flat.get(1));
            write('s');
            return;
        }
        for (int start = 0; start < flat.size(); start += 2000) {
            write('(');
            flat.subList(start, Math.min(flat.size(), start + 2000)).forEach(this::save);
            write('u');
        }
    }

    /** Strings and globals are memoized by value (Python interns them), everything else by identity. */
    private boolean getMemo(Object value) {
        Integer at = value instanceof String || value instanceof Global ? memoByValue.get(value) : memoByIdentity.get(value);
        if (at == null) {
            return false;
        }
        get(at);
        return true;
    }

    private void get(int at) {
        if (at < 256) {
            write('h', at);
        } else {
            write('j');
            writeLittle(at, 4);
        }
    }

    private void memoize(Object value) {
        if (value instanceof String || value instanceof Global) {
            memoByValue.put(value, python2 ? memoSize + 1 : memoSize);
        } else {
            memoByIdentity.put(value, python2 ? memoSize + 1 : memoSize);
        }
        put();
    }

    private void put() {
        int at = python2 ? memoSize + 1 : memoSize;
        memoSize++;
        if (protocol >= 4) {
            write(0x94);
        } else if (at < 256) {
            write('q', at);
        } else {
            write('r');
            writeLittle(at, 4);
        }
    }

    private static byte[] header(int opcode, long length, int width) {
        byte[] h = new byte[1 + width];
        h[0] = (byte) opcode;
        for (int i = 0; i < width; i++) {
            h[1 + i] = (byte) (length >>> (8 * i));
        }
        return h;
    }

    /** A large payload leaves the frame: the frame so far is committed and the payload written after it. */
    private void writeLarge(byte[] header, byte[] payload) {
        if (frame != null && payload.length >= FRAME_SIZE_TARGET) {
            commitFrame();
            out.writeBytes(header);
            out.writeBytes(payload);
            frame = new ByteArrayOutputStream();
        } else {
            writeRaw(header);
            writeRaw(payload);
        }
    }

    private void opcodeBoundary() {
        if (frame != null && frame.size() >= FRAME_SIZE_TARGET) {
            commitFrame();
            frame = new ByteArrayOutputStream();
        }
    }

    private void commitFrame() {
        if (frame == null) {
            return;
        }
        if (frame.size() >= 4) {
            out.write(0x95);
            out.write(header(0, frame.size(), 8), 1, 8);
        }
        out.writeBytes(frame.toByteArray());
        frame = null;
    }

    private void write(int... bytes) {
        for (int b : bytes) {
            (frame != null ? frame : out).write(b);
        }
    }

    private void writeRaw(byte[] bytes) {
        (frame != null ? frame : out).writeBytes(bytes);
    }

    private void writeLittle(long v, int width) {
        for (int i = 0; i < width; i++) {
            write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
