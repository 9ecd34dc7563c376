package org.resnetspark.layers;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.javacpp.PointerScope;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;

/**
 * A residual addition with its ReLU, and the ReLU's backward pass, on oneDNN: one pass over
 * memory each (read two tensors, write one), where libnd4j takes two (add, then ReLU; step, then
 * multiply) at a few percent of a ResNet-20 step. Element-wise, so blind to the layout: the arrays
 * are dense float arrays of equal length, in whatever layout the network's activations travel.
 */
final class OneDnnAddRelu {

    private final boolean relu;
    /** Primitives per element count: training batches, a smaller last batch, evaluation batches. */
    private final Map<Long, Primitives> primitives = new HashMap<>();

    OneDnnAddRelu(boolean relu) {
        this.relu = relu;
    }

    /** Whether these arrays can take this path: oneDNN in use, dense float arrays of one length. */
    static boolean applies(INDArray... arrays) {
        for (INDArray array : arrays) {
            if (!OneDnn.usable(array.dataType()) || !ChannelMath.isDense(array) || array.length() != arrays[0].length()) {
                return false;
            }
        }
        return true;
    }

    /** out = a + b, then ReLU if asked; out may be a (in place). */
    void forward(INDArray a, INDArray b, INDArray out) {
        Primitives p = primitives(a.length());
        try (PointerScope scope = new PointerScope()) {
            p.add.execute(OneDnn.stream(), OneDnn.args(DNNL_ARG_SRC_0, OneDnn.over(p.data, a),
                    DNNL_ARG_SRC_1, OneDnn.over(p.data, b), DNNL_ARG_DST, OneDnn.over(p.data, out)));
        }
    }

    /** out = gradient where output > 0, else 0: ReLU's backward pass from its output. */
    void reluBackward(INDArray output, INDArray gradient, INDArray out) {
        Primitives p = primitives(output.length());
        try (PointerScope scope = new PointerScope()) {
            p.reluBackward.execute(OneDnn.stream(), OneDnn.args(DNNL_ARG_DST, OneDnn.over(p.data, output),
                    DNNL_ARG_DIFF_DST, OneDnn.over(p.data, gradient), DNNL_ARG_DIFF_SRC, OneDnn.over(p.data, out)));
        }
    }

    private Primitives primitives(long length) {
        return primitives.computeIfAbsent(length, Primitives::new);
    }

    private final class Primitives {
        final memory.desc data;
        final binary add;
        final eltwise_backward reluBackward;

        Primitives(long length) {
            data = OneDnn.plain(length);
            primitive_attr attributes = new primitive_attr();
            if (relu) {
                post_ops ops = new post_ops();
                ops.append_eltwise(1.0f, algorithm.eltwise_relu, 0.0f, 0.0f);
                attributes.set_post_ops(ops);
            }
            add = new binary(new binary.primitive_desc(new binary.desc(algorithm.binary_add, data, data, data),
                    attributes, OneDnn.engine()));
            var reluForward = new eltwise_forward.primitive_desc(new eltwise_forward.desc(prop_kind.forward_training,
                    algorithm.eltwise_relu_use_dst_for_bwd, data, 0.0f, 0.0f), OneDnn.engine());
            reluBackward = new eltwise_backward(new eltwise_backward.primitive_desc(new eltwise_backward.desc(
                    algorithm.eltwise_relu_use_dst_for_bwd, data, data, 0.0f, 0.0f), OneDnn.engine(), reluForward));
        }
    }
}
