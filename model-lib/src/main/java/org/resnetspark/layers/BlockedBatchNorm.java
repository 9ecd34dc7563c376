package org.resnetspark.layers;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.PointerScope;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_fuse_norm_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_global_stats;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_scale;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_shift;

/**
 * oneDNN's batch normalisation (with ReLU fused when asked) on tensors in the blocked layout, for
 * {@link FusedBatchNormLayer}. On that layout oneDNN's kernels run at memory speed (0.7 ms forward
 * and backward on a 128x16x32x32 tensor, against 3+ ms for our NCHW path). The layer keeps the
 * running statistics; this class computes the batch's and the gradients.
 */
final class BlockedBatchNorm {

    private final float epsilon;
    private final boolean relu;
    private final Map<List<Long>, Primitives> training = new HashMap<>();
    private final Map<List<Long>, Inference> inference = new HashMap<>();

    BlockedBatchNorm(double epsilon, boolean relu) {
        this.epsilon = (float) epsilon;
        this.relu = relu;
    }

    private int flags(boolean globalStats) {
        return dnnl_use_scale | dnnl_use_shift | (relu ? dnnl_fuse_norm_relu : 0) | (globalStats ? dnnl_use_global_stats : 0);
    }

    /**
     * Training forward pass: writes the normalised (and activated) x into out and the batch
     * statistics into mean and variance, and keeps what the backward pass needs.
     */
    void forwardTraining(INDArray x, INDArray gamma, INDArray beta, INDArray out, INDArray mean, INDArray variance) {
        Primitives p = training.computeIfAbsent(key(x), k -> new Primitives(x.shape()));
        try (PointerScope scope = new PointerScope()) {
            p.forward.execute(OneDnn.stream(), p.withWorkspace(OneDnn.args(DNNL_ARG_SRC, OneDnn.over(p.data, x),
                    DNNL_ARG_DST, OneDnn.over(p.data, out), DNNL_ARG_SCALE, OneDnn.over(p.channels, gamma),
                    DNNL_ARG_SHIFT, OneDnn.over(p.channels, beta), DNNL_ARG_MEAN, OneDnn.over(p.channels, mean),
                    DNNL_ARG_VARIANCE, OneDnn.over(p.channels, variance))));
        }
    }

    /** Inference forward pass with the given (running) statistics. */
    void forwardInference(INDArray x, INDArray gamma, INDArray beta, INDArray out, INDArray mean, INDArray variance) {
        Inference p = inference.computeIfAbsent(key(x), k -> new Inference(x.shape()));
        try (PointerScope scope = new PointerScope()) {
            p.forward.execute(OneDnn.stream(), OneDnn.args(DNNL_ARG_SRC, OneDnn.over(p.data, x),
                    DNNL_ARG_DST, OneDnn.over(p.data, out), DNNL_ARG_SCALE, OneDnn.over(p.channels, gamma),
                    DNNL_ARG_SHIFT, OneDnn.over(p.channels, beta), DNNL_ARG_MEAN, OneDnn.over(p.channels, mean),
                    DNNL_ARG_VARIANCE, OneDnn.over(p.channels, variance)));
        }
    }

    /** Backward pass of the last training forward pass on this shape. */
    void backward(INDArray x, INDArray dOut, INDArray gamma, INDArray beta, INDArray mean, INDArray variance,
                  INDArray dx, INDArray dGamma, INDArray dBeta) {
        Primitives p = training.get(key(x));
        try (PointerScope scope = new PointerScope()) {
            p.backward.execute(OneDnn.stream(), p.withWorkspace(OneDnn.args(DNNL_ARG_SRC, OneDnn.over(p.data, x),
                    DNNL_ARG_DIFF_DST, OneDnn.over(p.data, dOut), DNNL_ARG_SCALE, OneDnn.over(p.channels, gamma),
                    DNNL_ARG_SHIFT, OneDnn.over(p.channels, beta), DNNL_ARG_MEAN, OneDnn.over(p.channels, mean),
                    DNNL_ARG_VARIANCE, OneDnn.over(p.channels, variance),
                    DNNL_ARG_DIFF_SRC, OneDnn.over(p.data, dx), DNNL_ARG_DIFF_SCALE, OneDnn.over(p.channels, dGamma),
                    DNNL_ARG_DIFF_SHIFT, OneDnn.over(p.channels, dBeta))));
        }
    }

    private static List<Long> key(INDArray x) {
        return Arrays.stream(x.shape()).boxed().toList();
    }

    /** The inference primitive for one shape (running statistics given, nothing kept). */
    private final class Inference {
        final memory.desc data;
        final memory.desc channels;
        final batch_normalization_forward forward;

        Inference(long[] shape) {
            data = OneDnn.blocked(shape);
            channels = OneDnn.plain(shape[1]);
            forward = new batch_normalization_forward(new batch_normalization_forward.primitive_desc(
                    new batch_normalization_forward.desc(dnnl_forward_inference, data, epsilon, flags(true)),
                    OneDnn.engine()));
        }
    }

    /** Training primitives for one shape, and the ReLU mask buffer the forward pass leaves for the backward. */
    private final class Primitives {
        final memory.desc data;
        final memory.desc channels;
        final memory.desc workspace;
        final INDArray workspaceBuffer;
        final batch_normalization_forward forward;
        final batch_normalization_backward backward;

        Primitives(long[] shape) {
            data = OneDnn.blocked(shape);
            channels = OneDnn.plain(shape[1]);
            var forwardDesc = new batch_normalization_forward.primitive_desc(new batch_normalization_forward.desc(
                    dnnl_forward_training, data, epsilon, flags(false)), OneDnn.engine());
            var backwardDesc = new batch_normalization_backward.primitive_desc(new batch_normalization_backward.desc(
                    dnnl_backward, data, data, epsilon, flags(false)), OneDnn.engine(), forwardDesc);
            workspace = forwardDesc.workspace_desc();
            workspaceBuffer = OneDnn.buffer(workspace.get_size());
            forward = new batch_normalization_forward(forwardDesc);
            backward = new batch_normalization_backward(backwardDesc);
        }

        /** Adds the ReLU mask, which exists only when ReLU is fused. */
        IntMemoryMap withWorkspace(IntMemoryMap args) {
            return relu ? args.put(DNNL_ARG_WORKSPACE, OneDnn.over(workspace, workspaceBuffer)) : args;
        }
    }
}
