package org.resnetspark.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where activations leave oneDNN's blocked layout (see {@link OneDnn}): before the layers that
 * read channels and pixels by position (pooling). Its backward pass blocks the gradient again.
 * Without oneDNN it passes its input through. No parameters.
 */
public class PlainLayout extends ActivationLayer {

    public PlainLayout() {
        super(Activation.IDENTITY);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return Instances.wire(new PlainLayoutLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }

    @Override
    public PlainLayout clone() {
        return (PlainLayout) super.clone();
    }
}
