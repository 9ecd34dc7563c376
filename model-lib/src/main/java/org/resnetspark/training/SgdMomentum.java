package org.resnetspark.training;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * SGD with (heavy-ball) momentum, as Torch, Caffe and PyTorch implement it and as the ResNet
 * papers train: {@code v = momentum * v + g; p -= lr * v}, or with Nesterov
 * {@code p -= lr * (g + momentum * v)}. DL4J has only its own Nesterov formulation, so the papers'
 * optimiser is here. The velocity is the updater state that parameter averaging must average too.
 */
public final class SgdMomentum implements IUpdater {

    public static final String VELOCITY = "V";

    private double learningRate;
    private ISchedule learningRateSchedule;
    private double momentum;
    private boolean nesterov;

    /** For JSON deserialisation of network configurations. */
    public SgdMomentum() {
        this(0.1, null, 0.9, false);
    }

    public SgdMomentum(double learningRate, ISchedule learningRateSchedule, double momentum, boolean nesterov) {
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("Momentum must be in [0, 1), got " + momentum);
        }
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /**
     * Switches every SgdMomentum of a network to {@code schedule}, keeping its velocity. (DL4J's
     * own {@code setLearningRate} rebuilds the updater state and fails on updaters it does not know.)
     * Spark workers rebuild their network from this configuration at every averaging round.
     */
    public static void setSchedule(org.deeplearning4j.nn.graph.ComputationGraph net, ISchedule schedule) {
        java.util.List<org.deeplearning4j.nn.conf.layers.Layer> layers = new java.util.ArrayList<>();
        net.getConfiguration().getVertices().values().forEach(vertex -> {
            if (vertex instanceof org.deeplearning4j.nn.conf.graph.LayerVertex layer) {
                layers.add(layer.getLayerConf().getLayer());
            }
        });
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            layers.add(layer.conf().getLayer());
        }
        for (org.deeplearning4j.nn.conf.layers.Layer layer : layers) {
            if (layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base && base.getIUpdater() instanceof SgdMomentum sgd) {
                sgd.setLrAndSchedule(schedule.valueAt(0, 0), schedule);
            }
        }
    }

    public double getMomentum() {
        return momentum;
    }

    public boolean isNesterov() {
        return nesterov;
    }

    public ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater<SgdMomentum> instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater updater = new Updater(this);
        updater.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return updater;
    }

    @Override
    public GradientUpdater<SgdMomentum> instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Updater updater = new Updater(this);
        updater.setState(updaterState, initializeStateArrays);
        return updater;
    }

    @Override
    public IUpdater clone() {
        return new SgdMomentum(learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone(), momentum, nesterov);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule schedule) {
        this.learningRate = lr;
        this.learningRateSchedule = schedule;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SgdMomentum o && o.learningRate == learningRate && o.momentum == momentum
                && o.nesterov == nesterov && Objects.equals(o.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, momentum, nesterov);
    }

    @Override
    public String toString() {
        return "SgdMomentum(lr=" + (learningRateSchedule != null ? learningRateSchedule : learningRate)
                + ", momentum=" + momentum + (nesterov ? ", nesterov" : "") + ")";
    }

    /** Turns a gradient into the step DL4J subtracts from the parameters, keeping the velocity. */
    static final class Updater implements GradientUpdater<SgdMomentum> {
        private final SgdMomentum config;
        private INDArray velocity;

        Updater(SgdMomentum config) {
            this.config = config;
        }

        @Override
        public SgdMomentum getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            velocity = state.get(VELOCITY);
            if (velocity == null) {
                throw new IllegalStateException("SgdMomentum state has no velocity array '" + VELOCITY + "'");
            }
            if (initialize) {
                velocity.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(VELOCITY, velocity);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) {
                viewArray.assign(0);
            }
            velocity = viewArray.reshape(gradientOrder, gradientShape);
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            double lr = config.getLearningRate(iteration, epoch);
            velocity.muli(config.momentum).addi(gradient);
            if (config.nesterov) {
                gradient.addi(velocity.mul(config.momentum)).muli(lr);
            } else {
                gradient.assign(velocity).muli(lr);
            }
        }
    }
}
