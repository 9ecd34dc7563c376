package org.resnetspark.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keeps every {@code stride}-th pixel in both directions (option A's shortcut): DL4J's 1x1 max
 * pooling with that stride, which {@link SubsampleLayer} also runs on activations in oneDNN's
 * blocked layout (see {@link OneDnn}) when {@code blockedLayout} says they travel in it.
 */
public class Subsample extends SubsamplingLayer {

    private boolean blockedLayout;

    /** For JSON deserialisation. */
    public Subsample() {
        super();
    }

    public Subsample(int stride, boolean blockedLayout) {
        super(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(1, 1).stride(stride, stride));
        this.blockedLayout = blockedLayout;
    }

    public boolean isBlockedLayout() {
        return blockedLayout;
    }

    public void setBlockedLayout(boolean blockedLayout) {
        this.blockedLayout = blockedLayout;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return Instances.wire(new SubsampleLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }

    @Override
    public Subsample clone() {
        return (Subsample) super.clone();
    }
}
