package org.resnetspark.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The layer a {@link FusedBatchNorm} configuration builds. On the CPU backend it normalises and
 * activates activations in oneDNN's blocked layout with oneDNN's kernels ({@link BlockedBatchNorm})
 * and plain NCHW ones with {@link ChannelMath}; elsewhere it runs DL4J's batch norm and then the
 * activation. Both paths compute the same function and the same gradients, including
 * DL4J's "gradients" for the running statistics (decay-weighted differences that its no-op
 * updater subtracts), so the two are interchangeable inside one parameter vector.
 */
public class FusedBatchNormLayer extends BatchNormalization {

    private static final double ONE_ON_2_LN_10 = 1.0 / (2 * Math.log(10.0));
    private static final boolean CPU = Nd4j.getEnvironment().isCPU();

    /** What the training forward pass leaves for the backward pass. */
    private INDArray batchMean;
    private INDArray batchVariance;
    private INDArray output;
    /** oneDNN's kernels, for inputs in the blocked layout; created on first use. */
    private BlockedBatchNorm blocked;

    public FusedBatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean fastPath(INDArray x) {
        org.deeplearning4j.nn.conf.layers.BatchNormalization conf = layerConf();
        return CPU && x.rank() == 4 && conf.getCnn2DFormat() == CNN2DFormat.NCHW && !conf.isLockGammaBeta()
                && x.dataType().isFPType();
    }

    /** Whether the input arrives in oneDNN's blocked layout (see {@link OneDnn}). */
    private boolean blockedPath(INDArray x) {
        return fastPath(x) && OneDnn.travelsBlocked(((FusedBatchNorm) layerConf()).isBlockedLayout(), dataType, x);
    }

    private BlockedBatchNorm blocked() {
        if (blocked == null) {
            blocked = new BlockedBatchNorm(layerConf().getEps(), relu());
        }
        return blocked;
    }

    private boolean relu() {
        IActivation activation = layerConf().getActivationFn();
        return activation instanceof ActivationReLU;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!fastPath(input)) {
            INDArray normalised = super.activate(training, workspaceMgr);
            return layerConf().getActivationFn().getActivation(normalised, training);
        }
        INDArray x = ChannelMath.dense(input.castTo(dataType));
        if (blockedPath(x)) {
            return activateBlocked(x, training, workspaceMgr);
        }
        INDArray mean;
        INDArray variance;
        if (training) {
            INDArray[] moments = ChannelMath.moments(x);
            // Detached: the backward pass needs them after this layer's working memory is reused.
            mean = moments[0].detach();
            variance = moments[1].detach();
        } else {
            mean = getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(x.size(1));
            variance = runningVariance();
        }
        INDArray gamma = getParam(BatchNormalizationParamInitializer.GAMMA).reshape(x.size(1));
        INDArray beta = getParam(BatchNormalizationParamInitializer.BETA).reshape(x.size(1));
        INDArray scale = Transforms.pow(variance.add(layerConf().getEps()), -0.5, false).muli(gamma);
        INDArray shift = beta.sub(mean.mul(scale));

        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        out.assign(x);
        ChannelMath.scaleAndShift(out, scale, shift);
        if (relu()) {
            Transforms.relu(out, false);
        }
        // What the backward pass needs; an inference pass leaves nothing, so backprop recomputes.
        batchMean = training ? mean : null;
        batchVariance = training ? variance : null;
        output = training ? out : null;
        return out;
    }

    private INDArray activateBlocked(INDArray x, boolean training, LayerWorkspaceMgr workspaceMgr) {
        long channels = x.size(1);
        INDArray gamma = getParam(BatchNormalizationParamInitializer.GAMMA).reshape(channels);
        INDArray beta = getParam(BatchNormalizationParamInitializer.BETA).reshape(channels);
        INDArray out = OneDnn.aligned(workspaceMgr, ArrayType.ACTIVATIONS, x.shape());
        if (training) {
            batchMean = Nd4j.createUninitializedDetached(x.dataType(), channels);
            batchVariance = Nd4j.createUninitializedDetached(x.dataType(), channels);
            blocked().forwardTraining(x, gamma, beta, out, batchMean, batchVariance);
        } else {
            INDArray mean = getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(channels);
            blocked().forwardInference(x, gamma, beta, out, ChannelMath.dense(mean), runningVariance());
            batchMean = batchVariance = null;
        }
        output = null;
        return out;
    }

    private Pair<Gradient, INDArray> backpropBlocked(INDArray x, INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        long channels = x.size(1);
        INDArray dx = OneDnn.aligned(workspaceMgr, ArrayType.ACTIVATION_GRAD, x.shape());
        INDArray dGamma = ChannelMath.requireDense(gradientViews.get(BatchNormalizationParamInitializer.GAMMA));
        INDArray dBeta = ChannelMath.requireDense(gradientViews.get(BatchNormalizationParamInitializer.BETA));
        blocked().backward(x, ChannelMath.dense(epsilon),
                getParam(BatchNormalizationParamInitializer.GAMMA).reshape(channels),
                getParam(BatchNormalizationParamInitializer.BETA).reshape(channels),
                batchMean, batchVariance, dx, dGamma, dBeta);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGamma);
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBeta);
        runningStatisticsGradient(gradient, channels);
        batchMean = batchVariance = null;
        return new Pair<>(gradient, dx);
    }

    private INDArray runningVariance() {
        if (!layerConf().isUseLogStd()) {
            return getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).reshape(input.size(1));
        }
        INDArray log10Std = getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).reshape(input.size(1));
        INDArray std = Transforms.pow(Nd4j.valueArrayOf(log10Std.shape(), 10.0, log10Std.dataType()), log10Std, false);
        return std.muli(std);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!fastPath(input) || batchMean == null) {
            return fallbackBackprop(epsilon, workspaceMgr);
        }
        INDArray x = ChannelMath.dense(input.castTo(dataType));
        if (blockedPath(x)) {
            return backpropBlocked(x, epsilon, workspaceMgr);
        }
        long channels = x.size(1);
        double count = x.length() / (double) channels;

        // dz: the gradient before the activation, in scratch memory we may overwrite.
        INDArray dz = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), x.shape(), 'c');
        if (relu()) {
            ChannelMath.reluBackward(output, ChannelMath.dense(epsilon), dz);
        } else {
            dz.assign(epsilon);
        }

        INDArray gamma = getParam(BatchNormalizationParamInitializer.GAMMA).reshape(channels);
        INDArray inverseStd = Transforms.pow(batchVariance.add(layerConf().getEps()), -0.5, false);
        INDArray dBeta = ChannelMath.channelSums(dz);
        // sum(dz * xHat) = inverseStd * (sum(dz * x) - mean * sum(dz))
        INDArray dGamma = ChannelMath.channelDots(dz, x).subi(batchMean.mul(dBeta)).muli(inverseStd);

        // dx = gamma * inverseStd * (dz - dBeta / count - xHat * dGamma / count), as dz*k1 + x*k2 + k3
        INDArray k1 = gamma.mul(inverseStd);
        INDArray k2 = k1.mul(inverseStd).muli(dGamma).muli(-1.0 / count);
        INDArray k3 = k1.mul(dBeta).muli(-1.0 / count).subi(k2.mul(batchMean));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        dx.assign(x);
        ChannelMath.scaleAndShift(dx, k2, k3);
        ChannelMath.scaleAndShift(dz, k1, null);
        dx.addi(dz);

        Gradient gradient = new DefaultGradient();
        gradientViews.get(BatchNormalizationParamInitializer.GAMMA).assign(dGamma);
        gradientViews.get(BatchNormalizationParamInitializer.BETA).assign(dBeta);
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, gradientViews.get(BatchNormalizationParamInitializer.GAMMA));
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, gradientViews.get(BatchNormalizationParamInitializer.BETA));
        runningStatisticsGradient(gradient, channels);
        batchMean = batchVariance = output = null;
        return new Pair<>(gradient, dx);
    }

    /**
     * DL4J's update of the running statistics, written as gradients its no-op updater subtracts:
     * mean - (decay * mean + (1 - decay) * batchMean), and for log10(std) the matching difference.
     * A loop over the channels in double: as ND4J operations it was about 15 small native calls
     * per layer and step, 3% of ResNet-20's training thread (async-profiler, Zen 5).
     */
    private void runningStatisticsGradient(Gradient gradient, long channels) {
        double decay = layerConf().getDecay();
        INDArray globalMean = getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        INDArray dMean = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        boolean logStd = layerConf().isUseLogStd();
        String spread = logStd ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD : BatchNormalizationParamInitializer.GLOBAL_VAR;
        INDArray globalSpread = getParam(spread);
        INDArray dSpread = gradientViews.get(spread);
        for (long c = 0; c < channels; c++) {
            dMean.putScalar(c, (globalMean.getDouble(c) - batchMean.getDouble(c)) * (1 - decay));
            double batch = batchVariance.getDouble(c);
            if (logStd) {
                double variance = Math.pow(10, 2 * globalSpread.getDouble(c));
                double next = decay * variance + (1 - decay) * batch;
                dSpread.putScalar(c, Math.log(variance / next) * ONE_ON_2_LN_10);
            } else {
                dSpread.putScalar(c, (globalSpread.getDouble(c) - batch) * (1 - decay));
            }
        }
        gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_MEAN, dMean);
        gradient.setGradientFor(spread, dSpread);
    }

    /** DL4J's batch norm backward pass after the activation's, both recomputed from the input. */
    private Pair<Gradient, INDArray> fallbackBackprop(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray preActivation = preOutput(input, TrainingMode.TRAIN, workspaceMgr);
        INDArray dz = layerConf().getActivationFn().backprop(preActivation.dup(), epsilon.dup()).getFirst();
        return super.backpropGradient(dz, workspaceMgr);
    }
}
