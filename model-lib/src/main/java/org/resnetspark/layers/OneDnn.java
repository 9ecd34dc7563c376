package org.resnetspark.layers;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * oneDNN called directly (JavaCPP's dnnl presets), for the layers that keep activations in its
 * blocked layout. libnd4j's own oneDNN calls take plain NCHW arrays and reorder every tensor to
 * the blocked layout and back on each call: on ResNet-20 those reorders cost 40% of the
 * convolution time. Between our layers an activation stays blocked: an array of the usual NCHW
 * shape whose data is ordered [N][C/b][H][W][b], with b = 8 (AVX2) or 16 (AVX-512). Element-wise
 * layers (ReLU, residual additions) do not care; {@link PlainLayout} turns it back before pooling.
 *
 * <p>Used on the CPU backend for float networks when the library loads; {@code RESNET_ONEDNN=off}
 * turns it off (the layers then run as before: DL4J's convolution, our NCHW batch norm).
 */
final class OneDnn {

    private static final Logger log = LoggerFactory.getLogger(OneDnn.class);

    private static final int CACHE_LINE = 64;
    private static final engine ENGINE = loadEngine();

    /**
     * Channels per block of the blocked layout: what oneDNN's convolutions use with the kernels it
     * runs. Taken from oneDNN's effective ISA rather than the CPU's flags, so that a cap
     * ({@code DNNL_MAX_CPU_ISA=AVX2} on an AVX-512 machine) gets the AVX2 kernels' 8-channel
     * blocks: with 16-channel blocks the AVX2 kernels do not apply and oneDNN falls back to its
     * reference kernels, about 9x slower.
     */
    static final int BLOCK = ENGINE != null ? blockOfTheKernels() : 8;
    /** Retained: a stream first asked for inside a PointerScope must outlive it. */
    private static final ThreadLocal<stream> STREAMS = ThreadLocal.withInitial(() -> new stream(ENGINE).retainReference());

    private OneDnn() {
    }

    private static engine loadEngine() {
        if (!Nd4j.getEnvironment().isCPU() || "off".equalsIgnoreCase(System.getenv("RESNET_ONEDNN"))) {
            return null;
        }
        try {
            Loader.load(org.bytedeco.dnnl.global.dnnl.class);
            engine cpu = new engine(engine.kind.cpu, 0);
            // The library's own version: the DNNL_VERSION_* constants are the compile-time one.
            dnnl_version_t version = org.bytedeco.dnnl.global.dnnl.dnnl_version();
            log.info("Layers on oneDNN {}.{}.{} directly with {} kernels, activations in blocks of {} channels "
                    + "(RESNET_ONEDNN=off for DL4J's)", version.major(), version.minor(), version.patch(),
                    runsAvx512() ? "AVX-512" : "AVX2 or older", blockOfTheKernels());
            return cpu;
        } catch (Throwable e) {
            log.warn("oneDNN did not load ({}); using DL4J's convolution layers, which are slower on CPU", e.toString());
            return null;
        }
    }

    private static int blockOfTheKernels() {
        return runsAvx512() ? 16 : 8;
    }

    /** Whether oneDNN runs its AVX-512 kernels here: the CPU has them and no DNNL_MAX_CPU_ISA caps them. */
    static boolean runsAvx512() {
        int core = org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core;
        return (org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa() & core) == core;
    }

    /** Whether layers of this data type run on oneDNN in this process. */
    static boolean usable(DataType dataType) {
        return ENGINE != null && dataType == DataType.FLOAT;
    }

    static engine engine() {
        return ENGINE;
    }

    /** This thread's stream: oneDNN runs primitives on the calling thread with its OpenMP threads. */
    static stream stream() {
        return STREAMS.get();
    }

    /** An NCHW tensor (or [C] vector) in plain row-major order. */
    static memory.desc plain(long... dims) {
        memory.format_tag tag = switch (dims.length) {
            case 1 -> memory.format_tag.a;
            case 4 -> memory.format_tag.abcd;
            default -> throw new IllegalArgumentException("rank " + dims.length);
        };
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    /** An NCHW tensor in the blocked layout. */
    static memory.desc blocked(long... dims) {
        return new memory.desc(dims, memory.data_type.f32,
                BLOCK == 16 ? memory.format_tag.aBcd16b : memory.format_tag.aBcd8b);
    }

    /** Lets oneDNN choose (for weights). */
    static memory.desc any(long... dims) {
        return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
    }

    /** Whether a tensor with this many channels can be blocked without padding. */
    static boolean blocks(long channels) {
        return channels % BLOCK == 0;
    }

    /**
     * Whether an NCHW activation of a layer configured for the blocked layout actually travels in
     * it: oneDNN in use for the layer's data type, a float array, whole blocks of channels.
     */
    static boolean travelsBlocked(boolean configured, DataType layerType, INDArray x) {
        return configured && usable(layerType) && x.rank() == 4 && x.dataType() == DataType.FLOAT
                && blocks(x.size(1));
    }

    /** A oneDNN memory over an array's data, which must be dense and in the layout the desc says. */
    static memory over(memory.desc desc, INDArray array) {
        if (array.length() * 4 < desc.get_size()) {
            throw new IllegalStateException("array of " + array.length() + " floats for a " + desc.get_size() + "-byte tensor");
        }
        return new memory(desc, ENGINE, address(array));
    }

    /** The address of an array's first element (a view's buffer already starts at the view's offset). */
    static Pointer address(INDArray array) {
        Pointer base = array.data().addressPointer();
        return new Address(base.address() + base.position() * array.dataType().width());
    }

    /** A pointer to a given address (JavaCPP sets it only through the field). */
    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }

    /** The argument map of a primitive's execution: (DNNL_ARG_..., memory) pairs. */
    static IntMemoryMap args(Object... pairs) {
        IntMemoryMap map = new IntMemoryMap();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((Integer) pairs[i], (memory) pairs[i + 1]);
        }
        return map;
    }

    /** Scratch memory owned by a layer, outside DL4J's workspaces, starting on a cache line. */
    static INDArray buffer(long bytes) {
        long length = Math.max(1, (bytes + 3) / 4);
        return onACacheLine(Nd4j.createUninitializedDetached(DataType.FLOAT, length + PAD), length);
    }

    /**
     * An uninitialised c-ordered float array from a DL4J workspace whose first element starts a
     * cache line. DL4J's workspaces align arrays to 8 bytes only: in a ResNet-20 step a tenth of
     * the activations oneDNN read and wrote started 32 bytes into a line, so that every 64-byte
     * AVX-512 load of theirs touched two lines.
     */
    static INDArray aligned(LayerWorkspaceMgr workspaceMgr, ArrayType type, long... shape) {
        long length = ArrayUtil.prodLong(shape);
        INDArray flat = workspaceMgr.createUninitialized(type, DataType.FLOAT, new long[] {length + PAD}, 'c');
        return onACacheLine(flat, length).reshape('c', shape);
    }

    /** Floats of slack that let an array start on a 64-byte line within a larger one. */
    private static final int PAD = CACHE_LINE / 4 - 1;

    /** The view of {@code length} floats of a flat array that starts on a cache line. */
    private static INDArray onACacheLine(INDArray flat, long length) {
        long offset = Math.floorMod(-address(flat).address(), CACHE_LINE) / 4;
        return flat.get(NDArrayIndex.interval(offset, offset + length));
    }
}
