package org.resnetspark.layers;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.PointerScope;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The layer a {@link PlainLayout} builds: a oneDNN reorder each way, or identity. */
public class PlainLayoutLayer extends ActivationLayer {

    public PlainLayoutLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Present only in networks that keep the blocked layout, so its input is blocked whenever it can be. */
    private boolean reorders(INDArray x) {
        return OneDnn.travelsBlocked(true, dataType, x);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!reorders(input)) {
            return super.activate(training, workspaceMgr);
        }
        INDArray out = OneDnn.aligned(workspaceMgr, ArrayType.ACTIVATIONS, input.shape());
        copy(OneDnn.blocked(input.shape()), ChannelMath.dense(input), OneDnn.plain(input.shape()), out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!reorders(input)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray dx = OneDnn.aligned(workspaceMgr, ArrayType.ACTIVATION_GRAD, input.shape());
        copy(OneDnn.plain(input.shape()), ChannelMath.dense(epsilon), OneDnn.blocked(input.shape()), dx);
        return new Pair<>(new DefaultGradient(), dx);
    }

    private static void copy(memory.desc fromLayout, INDArray from, memory.desc toLayout, INDArray to) {
        try (PointerScope scope = new PointerScope()) {
            memory source = OneDnn.over(fromLayout, from);
            memory target = OneDnn.over(toLayout, to);
            new reorder(source, target).execute(OneDnn.stream(), source, target);
        }
    }
}
