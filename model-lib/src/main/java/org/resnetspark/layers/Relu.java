package org.resnetspark.layers;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * A ReLU layer, as networks saved before {@link ResidualAdd} took over the ReLU after each
 * residual addition name it (checkpoints and models saved from commit aa61421 until 9ddd42f):
 * kept so that those still load and resume. New networks do not use it; it runs DL4J's layer.
 */
public class Relu extends ActivationLayer {

    public Relu() {
        super(Activation.RELU);
    }

    @Override
    public Relu clone() {
        return (Relu) super.clone();
    }
}
