package org.resnetspark.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The layer a {@link Subsample} builds. On blocked activations it copies every stride-th pixel
 * through a strided view of the [N, C/b, H, W, b] array (the blocks' channels stay together);
 * otherwise it is DL4J's pooling layer.
 */
public class SubsampleLayer extends SubsamplingLayer {

    public SubsampleLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean blocked(INDArray x) {
        return OneDnn.travelsBlocked(((Subsample) layerConf()).isBlockedLayout(), dataType, x);
    }

    private int stride() {
        return layerConf().getStride()[0];
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!blocked(input)) {
            return super.activate(training, workspaceMgr);
        }
        INDArray x = ChannelMath.dense(input);
        long[] outShape = {x.size(0), x.size(1), ceilDiv(x.size(2)), ceilDiv(x.size(3))};
        INDArray out = OneDnn.aligned(workspaceMgr, ArrayType.ACTIVATIONS, outShape);
        blocks(out).assign(blocks(x).get(everyStrideThPixel(x)));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!blocked(input)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray dx = OneDnn.aligned(workspaceMgr, ArrayType.ACTIVATION_GRAD, input.shape()).assign(0);
        blocks(dx).get(everyStrideThPixel(input)).assign(blocks(ChannelMath.dense(epsilon)));
        return new Pair<>(new DefaultGradient(), dx);
    }

    /** The [N, C/b, H, W, b] view of a blocked NCHW array. */
    private static INDArray blocks(INDArray blocked) {
        return blocked.reshape('c', blocked.size(0), blocked.size(1) / OneDnn.BLOCK, blocked.size(2), blocked.size(3),
                OneDnn.BLOCK);
    }

    private INDArrayIndex[] everyStrideThPixel(INDArray x) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(0, stride(), x.size(2)), NDArrayIndex.interval(0, stride(), x.size(3)),
                NDArrayIndex.all()};
    }

    private long ceilDiv(long size) {
        return (size + stride() - 1) / stride();
    }
}
