package org.resnetspark.pytorch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Pickler;
import net.razorvine.pickle.Unpickler;

/**
 * What razorvine's pickle library needs to know about PyTorch's pickles: constructors for the
 * globals PyTorch's pickles call ({@code torch._utils._rebuild_tensor_v2}, the storage classes,
 * {@code collections.OrderedDict}), the persistent ids that point at storages, and picklers that
 * write the same things back. razorvine keeps its constructors and picklers in process-wide
 * tables; the names registered here are PyTorch's own (and OrderedDict's, which otherwise
 * becomes a ClassDict whose {@code __setstate__} would drop a state dict's entries).
 */
final class TorchPickles {

    /** PyTorch's storage classes: element size and how to read one element as a float. */
    enum StorageType implements IObjectConstructor {
        FloatStorage(4), DoubleStorage(8), HalfStorage(2), BFloat16Storage(2), LongStorage(8), IntStorage(4),
        ShortStorage(2), CharStorage(1), ByteStorage(1), BoolStorage(1);

        private final int elementSize;

        StorageType(int elementSize) {
            this.elementSize = elementSize;
        }

        int elementSize() {
            return elementSize;
        }

        float read(ByteBuffer data, long index) {
            int at = Math.toIntExact(index * elementSize);
            return switch (this) {
                case FloatStorage -> data.getFloat(at);
                case DoubleStorage -> (float) data.getDouble(at);
                case HalfStorage -> halfToFloat(data.getShort(at));
                case BFloat16Storage -> Float.intBitsToFloat((data.getShort(at) & 0xffff) << 16);
                case LongStorage -> data.getLong(at);
                case IntStorage -> data.getInt(at);
                case ShortStorage -> data.getShort(at);
                case CharStorage -> data.get(at);
                case ByteStorage, BoolStorage -> data.get(at) & 0xff;
            };
        }

        @Override
        public Object construct(Object[] args) {
            throw new PickleException("torch." + name() + " is only expected inside a persistent id");
        }
    }

    /** A storage a persistent id points at: its type and its key (an archive entry, or a legacy file's id). */
    record Storage(StorageType type, String key) {
    }

    /** {@code _rebuild_tensor_v2}'s arguments, made into a tensor once the storages' bytes are at hand. */
    record TensorRef(Storage storage, long offset, long[] size, long[] stride) {
    }

    /**
     * {@code collections.OrderedDict}, with the state pickled beside its items (a state dict's
     * {@code _metadata}) ignored; public because razorvine calls {@code __setstate__} by reflection.
     */
    public static final class OrderedDict extends LinkedHashMap<Object, Object> {
        public void __setstate__(HashMap<?, ?> state) {
        }
    }

    static {
        for (StorageType type : StorageType.values()) {
            Unpickler.registerConstructor("torch", type.name(), type);
        }
        IObjectConstructor rebuildTensor = args -> new TensorRef((Storage) args[0], number(args[1]),
                longs(args[2]), longs(args[3]));
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", rebuildTensor);
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor", rebuildTensor);
        // nn.Parameter(data, requires_grad, hooks): the data is all a checkpoint needs.
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", args -> args[0]);
        Unpickler.registerConstructor("collections", "OrderedDict", args -> new OrderedDict());

        Pickler.registerCustomPickler(Global.class, (o, out, pickler) -> {
            Global global = (Global) o;
            out.write(Opcodes.GLOBAL);
            out.write((global.module + "\n" + global.name + "\n").getBytes(StandardCharsets.UTF_8));
        });
        Pickler.registerCustomPickler(OrderedDictOut.class, (o, out, pickler) -> {
            pickler.save(new Global("collections", "OrderedDict"));
            pickler.save(new Object[0]);
            out.write(Opcodes.REDUCE);
            Map<String, ?> items = ((OrderedDictOut) o).items;
            if (!items.isEmpty()) {
                out.write(Opcodes.MARK);
                for (Map.Entry<String, ?> item : items.entrySet()) {
                    pickler.save(item.getKey());
                    pickler.save(item.getValue());
                }
                out.write(Opcodes.SETITEMS);
            }
        });
        Pickler.registerCustomPickler(StorageOut.class, (o, out, pickler) -> {
            StorageOut storage = (StorageOut) o;
            pickler.save(new Object[] {"storage", new Global("torch", storage.type), storage.key, "cpu", storage.numel});
            out.write(Opcodes.BINPERSID);
        });
        Pickler.registerCustomPickler(TensorOut.class, (o, out, pickler) -> {
            TensorOut tensor = (TensorOut) o;
            long[] shape = tensor.tensor.shape();
            Object[] size = new Object[shape.length];
            Object[] stride = new Object[shape.length];
            int step = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                size[d] = Math.toIntExact(shape[d]);
                stride[d] = step;
                step *= Math.toIntExact(shape[d]);
            }
            pickler.save(new Global("torch._utils", "_rebuild_tensor_v2"));
            pickler.save(new Object[] {new StorageOut(tensor.tensor.storageType(), tensor.key, tensor.tensor.values().length),
                    0, size, stride, false, new OrderedDictOut(Map.of())});
            out.write(Opcodes.REDUCE);
        });
    }

    private TorchPickles() {
    }

    /** An unpickler of PyTorch pickles: persistent ids become {@link Storage}s, tensors {@link TensorRef}s. */
    static final class Reader extends Unpickler {
        private final boolean legacy;

        Reader(boolean legacy) {
            register();
            this.legacy = legacy;
        }

        @Override
        protected Object dispatch(short key) throws PickleException, IOException {
            if (key == Opcodes.BINPERSID) {
                // razorvine hands persistent ids on as strings; PyTorch's are tuples.
                stack.add(storage(stack.pop()));
                return NO_RETURN_VALUE;
            }
            return super.dispatch(key);
        }

        private Storage storage(Object id) {
            if (!(id instanceof Object[] tuple) || tuple.length < 5 || !"storage".equals(tuple[0])
                    || !(tuple[1] instanceof StorageType type)) {
                throw new PickleException("unknown persistent id " + (id instanceof Object[] t ? Arrays.toString(t) : id));
            }
            if (legacy && tuple.length > 5 && tuple[5] != null) {
                throw new PickleException("storage views (PyTorch before 0.4) are not supported");
            }
            return new Storage(type, String.valueOf(tuple[2]));
        }
    }

    /** The distinct storages the tensors in {@code top} use. */
    static Set<Storage> storagesIn(Object top) {
        Set<Storage> storages = new LinkedHashSet<>();
        walk(top, ref -> storages.add(ref.storage()));
        return storages;
    }

    /** {@code top} with every {@link TensorRef} replaced by its tensor, read from the storages' bytes. */
    static Object resolve(Object top, Map<String, ByteBuffer> storages) {
        return walk(top, ref -> tensor(ref, storages.get(ref.storage().key())));
    }

    private static Object walk(Object value, java.util.function.Function<TensorRef, Object> onTensor) {
        if (value instanceof TensorRef ref) {
            return onTensor.apply(ref);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, walk(v, onTensor)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list.stream().map(v -> walk(v, onTensor)).toList());
        }
        if (value instanceof Object[] tuple) {
            return Arrays.stream(tuple).map(v -> walk(v, onTensor)).toArray();
        }
        return value;
    }

    private static TorchTensor tensor(TensorRef ref, ByteBuffer data) {
        long[] size = ref.size();
        long count = Arrays.stream(size).reduce(1, Math::multiplyExact);
        float[] values = new float[Math.toIntExact(count)];
        long[] index = new long[size.length];
        long capacity = data.capacity() / ref.storage().type().elementSize();
        for (int i = 0; i < values.length; i++) {
            long at = ref.offset();
            for (int d = 0; d < size.length; d++) {
                at += index[d] * ref.stride()[d];
            }
            if (at >= capacity) {
                throw new PickleException("a tensor of shape " + Arrays.toString(size) + " reaches past its storage "
                        + ref.storage().key() + " (" + capacity + " elements)");
            }
            values[i] = ref.storage().type().read(data, at);
            for (int d = size.length - 1; d >= 0 && ++index[d] == size[d]; d--) {
                index[d] = 0;
            }
        }
        return new TorchTensor(ref.storage().type().name(), size, values);
    }

    // ---- writing ----

    private record Global(String module, String name) {
    }

    private record OrderedDictOut(Map<String, ?> items) {
    }

    private record StorageOut(String type, String key, int numel) {
    }

    private record TensorOut(TorchTensor tensor, String key) {
    }

    /** A state dict as torch.save pickles it: an OrderedDict of tensors whose storages are persistent ids. */
    static byte[] write(Map<String, TorchTensor> stateDict, Map<TorchTensor, String> storageKeys) throws IOException {
        Map<String, Object> items = new LinkedHashMap<>();
        stateDict.forEach((key, tensor) -> items.put(key, new TensorOut(tensor, storageKeys.get(tensor))));
        return new Pickler(false).dumps(new OrderedDictOut(items));
    }

    /** A tensor's storage bytes, little-endian, as PyTorch writes them. */
    static byte[] bytesOf(TorchTensor tensor) {
        float[] values = tensor.values();
        return switch (tensor.storageType()) {
            case TorchTensor.FLOAT -> {
                ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(values);
                yield bytes.array();
            }
            case TorchTensor.LONG -> {
                ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float value : values) {
                    bytes.putLong((long) value);
                }
                yield bytes.array();
            }
            default -> throw new IllegalArgumentException("Writing " + tensor.storageType() + " is not supported");
        };
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    private static long[] longs(Object tuple) {
        return Arrays.stream((Object[]) tuple).mapToLong(TorchPickles::number).toArray();
    }

    /** IEEE half precision to float. */
    private static float halfToFloat(short half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1f;
        int mantissa = half & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** Runs the static registrations above (a static method call initialises the class). */
    private static void register() {
    }
}
