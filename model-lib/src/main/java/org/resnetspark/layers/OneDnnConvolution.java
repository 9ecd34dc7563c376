package org.resnetspark.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's convolution configuration, run by {@link OneDnnConvolutionLayer} on oneDNN directly.
 * Parameters, initialisation and regularisation are DL4J's, so a network can swap it for DL4J's
 * layer and keep the same parameter vector.
 *
 * <p>{@code blockedInput}/{@code blockedOutput} say in which layout this layer's input and output
 * travel when oneDNN is in use (see {@link OneDnn}); the network builder decides them, because it
 * knows what the neighbouring layers accept. {@code readsNetworkInput} marks the stem: nothing
 * needs the gradient of the images, so its backward pass skips the backward-data convolution.
 */
public class OneDnnConvolution extends ConvolutionLayer {

    private boolean blockedInput;
    private boolean blockedOutput;
    private boolean readsNetworkInput;

    /** For JSON deserialisation. */
    public OneDnnConvolution() {
        super();
    }

    public OneDnnConvolution(Builder builder, boolean blockedInput, boolean blockedOutput, boolean readsNetworkInput) {
        super(builder);
        this.blockedInput = blockedInput;
        this.blockedOutput = blockedOutput;
        this.readsNetworkInput = readsNetworkInput;
    }

    public boolean isBlockedInput() {
        return blockedInput;
    }

    public void setBlockedInput(boolean blockedInput) {
        this.blockedInput = blockedInput;
    }

    public boolean isBlockedOutput() {
        return blockedOutput;
    }

    public void setBlockedOutput(boolean blockedOutput) {
        this.blockedOutput = blockedOutput;
    }

    public boolean isReadsNetworkInput() {
        return readsNetworkInput;
    }

    public void setReadsNetworkInput(boolean readsNetworkInput) {
        this.readsNetworkInput = readsNetworkInput;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return Instances.wire(new OneDnnConvolutionLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }

    @Override
    public OneDnnConvolution clone() {
        return (OneDnnConvolution) super.clone();
    }
}
