package org.resnetspark.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalisation followed by its activation (identity or ReLU) in one layer.
 *
 * <p>Two reasons for a layer of our own. DL4J's {@link BatchNormalization} accepts an activation
 * but never applies it, so "BN with ReLU" silently meant "BN". And its CPU path is slow: it
 * computes batch statistics with generic strided reductions and runs oneDNN's NCHW batch-norm
 * kernels, which together cost several times the convolutions around them. {@link FusedBatchNormLayer}
 * does the same arithmetic with memory-speed operations on CPU and falls back to DL4J's layer
 * (cuDNN or built-in) followed by the activation on other backends.
 *
 * <p>Configuration, parameters (gamma, beta, running mean, running log10 standard deviation) and
 * their updates are DL4J's, so a network can swap it for DL4J's layer plus an activation layer
 * and keep the same parameter vector.
 */
public class FusedBatchNorm extends BatchNormalization {

    /** Whether input and output travel in oneDNN's blocked layout when oneDNN is in use (see OneDnn). */
    private boolean blockedLayout;

    /** For JSON deserialisation. */
    public FusedBatchNorm() {
        super();
    }

    public FusedBatchNorm(Activation activation, boolean blockedLayout) {
        super();
        this.blockedLayout = blockedLayout;
        if (activation != Activation.IDENTITY && activation != Activation.RELU) {
            throw new IllegalArgumentException("FusedBatchNorm applies IDENTITY or RELU, not " + activation);
        }
        setActivationFn(activation.getActivationFunction());
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
        return Instances.wire(new FusedBatchNormLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }

    @Override
    public FusedBatchNorm clone() {
        return (FusedBatchNorm) super.clone();
    }
}
