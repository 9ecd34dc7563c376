package org.resnetspark.models;

import org.deeplearning4j.nn.conf.CacheMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * How a network is built, apart from its architecture: seed, precision, optimiser and caching.
 *
 * @param l2 L2 penalty added to the gradient of convolution and classifier weights (the papers'
 *           "weight decay"); biases and batch-norm parameters are not penalised
 * @param cacheMode {@code DEVICE} keeps forward activations for the backward pass (about +20% on
 *                  CPU); gradient checks use {@code NONE}
 */
public record NetworkOptions(long seed, DataType dataType, IUpdater updater, double l2, CacheMode cacheMode) {

    /** He et al. 2015: learning rate 0.1, momentum 0.9, weight decay 1e-4; float32. */
    public static NetworkOptions defaults() {
        return new NetworkOptions(42, DataType.FLOAT, new Nesterovs(0.1, 0.9), 1e-4, CacheMode.DEVICE);
    }

    public NetworkOptions withSeed(long newSeed) {
        return new NetworkOptions(newSeed, dataType, updater, l2, cacheMode);
    }

    public NetworkOptions withUpdater(IUpdater newUpdater) {
        return new NetworkOptions(seed, dataType, newUpdater, l2, cacheMode);
    }

    public NetworkOptions withL2(double newL2) {
        return new NetworkOptions(seed, dataType, updater, newL2, cacheMode);
    }

    /** Double precision, no caching, no penalty: what DL4J's gradient checks need. */
    public NetworkOptions forGradientCheck() {
        return new NetworkOptions(seed, DataType.DOUBLE, updater, 0.0, CacheMode.NONE);
    }
}
