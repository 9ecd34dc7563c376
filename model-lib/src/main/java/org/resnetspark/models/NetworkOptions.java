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
 * @param layers which implementation of batch norm and ReLU the network uses
 */
public record NetworkOptions(long seed, DataType dataType, IUpdater updater, double l2, CacheMode cacheMode,
                             Layers layers) {

    /** Implementations of the networks' layers: the same function and parameters either way. */
    public enum Layers {
        /**
         * The project's layers on oneDNN (fast on CPU), the default: convolution, batch norm with
         * ReLU ({@link org.resnetspark.layers.FusedBatchNorm}), option A's subsampling and the
         * residual addition, on activations in oneDNN's channel blocks.
         */
        ONEDNN,
        /** DL4J's own layers (BatchNormalization followed by an ActivationLayer): the reference to compare with. */
        DL4J;

        /** By name, any case; {@code fused}, this option's name until 2026-12, still means {@link #ONEDNN}. */
        public static Layers parse(String name) {
            String key = name.trim().toUpperCase(java.util.Locale.ROOT);
            if (key.equals("FUSED")) {
                return ONEDNN;
            }
            for (Layers layers : values()) {
                if (layers.name().equals(key)) {
                    return layers;
                }
            }
            throw new IllegalArgumentException("Unknown layers '" + name + "': use onednn or dl4j");
        }
    }

    /** He et al. 2015: learning rate 0.1, momentum 0.9, weight decay 1e-4; float32. */
    public static NetworkOptions defaults() {
        return new NetworkOptions(42, DataType.FLOAT, new Nesterovs(0.1, 0.9), 1e-4, CacheMode.DEVICE, Layers.ONEDNN);
    }

    public NetworkOptions withSeed(long newSeed) {
        return new NetworkOptions(newSeed, dataType, updater, l2, cacheMode, layers);
    }

    public NetworkOptions withUpdater(IUpdater newUpdater) {
        return new NetworkOptions(seed, dataType, newUpdater, l2, cacheMode, layers);
    }

    public NetworkOptions withL2(double newL2) {
        return new NetworkOptions(seed, dataType, updater, newL2, cacheMode, layers);
    }

    public NetworkOptions withLayers(Layers newLayers) {
        return new NetworkOptions(seed, dataType, updater, l2, cacheMode, newLayers);
    }

    /** Double precision, no caching, no penalty: what DL4J's gradient checks need. */
    public NetworkOptions forGradientCheck() {
        return new NetworkOptions(seed, DataType.DOUBLE, updater, 0.0, CacheMode.NONE, layers);
    }
}
