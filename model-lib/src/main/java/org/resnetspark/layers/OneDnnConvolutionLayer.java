package org.resnetspark.layers;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.PointerScope;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

/**
 * The layer a {@link OneDnnConvolution} builds. With oneDNN in use it runs oneDNN's convolution
 * forward, backward-data and backward-weights primitives on arrays in the layouts its
 * configuration names; otherwise (other backends, double precision, bias, dilation, NHWC, or
 * plain layouts on both sides, where oneDNN would reorder inside anyway) it is DL4J's convolution
 * layer unchanged. Weights stay in DL4J's [out, in, kH, kW] order in the
 * parameter vector and are reordered to oneDNN's choice per call (they are small).
 */
public class OneDnnConvolutionLayer extends ConvolutionLayer {

    /** Primitives per input shape: training batches, a smaller last batch, evaluation batches. */
    private final Map<List<Long>, Primitives> primitives = new HashMap<>();

    public OneDnnConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private OneDnnConvolution oneDnnConf() {
        return (OneDnnConvolution) layerConf();
    }

    private boolean onOneDnn() {
        OneDnnConvolution conf = oneDnnConf();
        return (conf.isBlockedInput() || conf.isBlockedOutput()) && OneDnn.usable(dataType)
                && input.rank() == 4 && input.dataType() == DataType.FLOAT && !conf.hasBias() && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && Arrays.stream(conf.getDilation()).allMatch(d -> d == 1)
                && conf.getActivationFn() instanceof ActivationIdentity;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!onOneDnn()) {
            return super.activate(training, workspaceMgr);
        }
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = ChannelMath.dense(input);
        Primitives p = primitives(x.shape());
        INDArray out = OneDnn.aligned(workspaceMgr, ArrayType.ACTIVATIONS, p.outputShape);
        try (PointerScope scope = new PointerScope()) {
            memory weights = p.forwardWeights.read(getParam(ConvolutionParamInitializer.WEIGHT_KEY));
            p.forward.execute(OneDnn.stream(), OneDnn.args(DNNL_ARG_SRC, OneDnn.over(p.src, x),
                    DNNL_ARG_WEIGHTS, weights, DNNL_ARG_DST, OneDnn.over(p.dst, out)));
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!onOneDnn()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray x = ChannelMath.dense(input);
        INDArray dOut = ChannelMath.dense(epsilon);
        Primitives p = primitives(x.shape());
        // The images' gradient (null, as DL4J's frozen layers give) is of no use to anyone.
        INDArray dx = oneDnnConf().isReadsNetworkInput() ? null
                : OneDnn.aligned(workspaceMgr, ArrayType.ACTIVATION_GRAD, x.shape());
        INDArray dWeights = ChannelMath.requireDense(gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY));
        try (PointerScope scope = new PointerScope()) {
            memory dDst = OneDnn.over(p.dst, dOut);
            if (dx != null) {
                memory weights = p.backwardDataWeights.read(getParam(ConvolutionParamInitializer.WEIGHT_KEY));
                p.backwardData.execute(OneDnn.stream(), OneDnn.args(DNNL_ARG_DIFF_DST, dDst, DNNL_ARG_WEIGHTS, weights,
                        DNNL_ARG_DIFF_SRC, p.inputGradient.writeTarget(dx)));
                p.inputGradient.finishWrite(dx);
            }
            p.backwardWeights.execute(OneDnn.stream(), OneDnn.args(DNNL_ARG_SRC, OneDnn.over(p.src, x),
                    DNNL_ARG_DIFF_DST, dDst, DNNL_ARG_DIFF_WEIGHTS, p.weightGradient.writeTarget(dWeights)));
            p.weightGradient.finishWrite(dWeights);
        }
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, dWeights, 'c');
        return new Pair<>(gradient, dx == null ? null : backpropDropOutIfPresent(dx));
    }

    private Primitives primitives(long[] inputShape) {
        return primitives.computeIfAbsent(Arrays.stream(inputShape).boxed().toList(), shape -> new Primitives(inputShape));
    }

    /** oneDNN's convolution primitives for one input shape, and this layer's weight buffers for them. */
    private final class Primitives {
        final long[] outputShape;
        final memory.desc src;
        final memory.desc dst;
        final memory.desc plainWeights;
        final convolution_forward forward;
        /** Null, with the two below, for the stem: see {@link OneDnnConvolution}. */
        final convolution_backward_data backwardData;
        final convolution_backward_weights backwardWeights;
        final Reordered forwardWeights;
        final Reordered backwardDataWeights;
        final Reordered weightGradient;
        final Reordered inputGradient;

        Primitives(long[] inputShape) {
            OneDnnConvolution conf = oneDnnConf();
            int[] kernel = conf.getKernelSize();
            int[] stride = conf.getStride();
            int[] inSize = {(int) inputShape[2], (int) inputShape[3]};
            int[] padLeft;
            int[] padRight;
            int[] outSize;
            if (conf.getConvolutionMode() == ConvolutionMode.Same) {
                outSize = new int[] {ceilDiv(inSize[0], stride[0]), ceilDiv(inSize[1], stride[1])};
                padLeft = ConvolutionUtils.getSameModeTopLeftPadding(outSize, inSize, kernel, stride, new int[] {1, 1});
                padRight = ConvolutionUtils.getSameModeBottomRightPadding(outSize, inSize, kernel, stride, new int[] {1, 1});
            } else {
                padLeft = conf.getPadding();
                padRight = conf.getPadding();
                outSize = new int[2];
                for (int d = 0; d < 2; d++) {
                    outSize[d] = (inSize[d] + 2 * padLeft[d] - kernel[d]) / stride[d] + 1;
                }
            }
            long channelsOut = conf.getNOut();
            outputShape = new long[] {inputShape[0], channelsOut, outSize[0], outSize[1]};
            boolean blockedSrc = conf.isBlockedInput() && OneDnn.blocks(inputShape[1]);
            src = blockedSrc ? OneDnn.blocked(inputShape) : OneDnn.plain(inputShape);
            dst = conf.isBlockedOutput() && OneDnn.blocks(channelsOut) ? OneDnn.blocked(outputShape)
                    : OneDnn.plain(outputShape);
            long[] weightShape = {channelsOut, inputShape[1], kernel[0], kernel[1]};
            plainWeights = OneDnn.plain(weightShape);
            memory.desc anyWeights = OneDnn.any(weightShape);
            memory.desc noBias = new memory.desc();
            long[] strides = {stride[0], stride[1]};
            long[] left = {padLeft[0], padLeft[1]};
            long[] right = {padRight[0], padRight[1]};

            var forwardDesc = new convolution_forward.primitive_desc(new convolution_forward.desc(
                    org.bytedeco.dnnl.global.dnnl.prop_kind.forward_training,
                    org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct,
                    src, anyWeights, noBias, dst, strides, left, right), OneDnn.engine());
            // A plain input (the network's image) gets its gradient in a layout oneDNN's fast kernels
            // write, reordered afterwards: on plain 3-channel NCHW only its reference kernel runs.
            memory.desc anySrc = blockedSrc ? src : OneDnn.any(inputShape);
            var dataDesc = conf.isReadsNetworkInput() ? null
                    : new convolution_backward_data.primitive_desc(new convolution_backward_data.desc(
                            org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct,
                            anySrc, anyWeights, dst, strides, left, right), OneDnn.engine(), forwardDesc);
            var weightsDesc = new convolution_backward_weights.primitive_desc(new convolution_backward_weights.desc(
                    org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct,
                    src, anyWeights, noBias, dst, strides, left, right), OneDnn.engine(), forwardDesc);
            forward = new convolution_forward(forwardDesc);
            backwardData = dataDesc == null ? null : new convolution_backward_data(dataDesc);
            backwardWeights = new convolution_backward_weights(weightsDesc);
            forwardWeights = new Reordered(plainWeights, forwardDesc.weights_desc());
            backwardDataWeights = dataDesc == null ? null : new Reordered(plainWeights, dataDesc.weights_desc());
            weightGradient = new Reordered(weightsDesc.diff_weights_desc(), plainWeights);
            inputGradient = dataDesc == null ? null : new Reordered(dataDesc.diff_src_desc(), src);
        }
    }

    /**
     * A tensor in a primitive's layout next to the same tensor in DL4J's: the reorder between
     * them, and a buffer of this layer's for the primitive's side when the two layouts differ.
     */
    private static final class Reordered {
        private final memory.desc from;
        private final memory.desc to;
        private final boolean same;
        private final reorder reorder;
        private final INDArray buffer;

        Reordered(memory.desc from, memory.desc to) {
            this.from = from;
            this.to = to;
            this.same = from.equals(to);
            this.reorder = new reorder(new reorder.primitive_desc(OneDnn.engine(), from, OneDnn.engine(), to));
            // Only when a reorder is needed: for an input gradient it is a whole activation tensor.
            this.buffer = same ? null : OneDnn.buffer(Math.max(from.get_size(), to.get_size()));
        }

        /** An array in the from-layout, as a memory in the to-layout (reordered into the buffer if needed). */
        memory read(INDArray array) {
            memory source = OneDnn.over(from, ChannelMath.dense(array));
            if (same) {
                return source;
            }
            memory target = OneDnn.over(to, buffer);
            reorder.execute(OneDnn.stream(), source, target);
            return target;
        }

        /** Where a primitive writes, in the from-layout, what {@link #finishWrite} puts into the array. */
        memory writeTarget(INDArray array) {
            return same ? OneDnn.over(to, array) : OneDnn.over(from, buffer);
        }

        /** Reorders what the primitive wrote into the array (in the to-layout), unless it wrote there directly. */
        void finishWrite(INDArray array) {
            if (!same) {
                reorder.execute(OneDnn.stream(), OneDnn.over(from, buffer), OneDnn.over(to, array));
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
