package org.resnetspark.training;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's updater for a ComputationGraph, taking the path DL4J meant for a network's own gradient.
 * DL4J tells its own gradient from one computed elsewhere by object identity, and a graph's
 * gradient object hands out a fresh reshaped view of the network's gradient array every time, so
 * DL4J 1.0.0-M2.1 always takes the "external gradient" path: at every step it builds two new
 * views per parameter variable (97 in ResNet-20) to apply L2 and a new list of views to
 * divide by the batch size. That was 2.6% of the training thread's time on ResNet-20 (async-profiler,
 * Zen 5). This updater recognises the network's own gradient by its memory and lets DL4J use the
 * views it built once. Same operations on the same memory: the parameters come out bit-identical.
 */
public final class InPlaceUpdater extends ComputationGraphUpdater {

    private InPlaceUpdater(ComputationGraph network, INDArray updaterState) {
        super(network, updaterState);
    }

    /**
     * Gives the network this updater, with the state (momentum) of the one it had, if any.
     * Idempotent, so it can run before every step.
     */
    public static void install(ComputationGraph network) {
        ComputationGraphUpdater current = network.getUpdater(false);
        if (current instanceof InPlaceUpdater) {
            return;
        }
        INDArray state = null;
        if (current != null) {
            // What DL4J's first update would do: zero a state nobody set, keep one it was given.
            current.getUpdaterBlocks().forEach(UpdaterBlock::getGradientUpdater);
            state = current.getStateViewArray();
        }
        network.setUpdater(new InPlaceUpdater(network, state));
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
        super.update(isNetworksOwn(gradient.gradient()) ? new OwnGradient(gradient, getFlattenedGradientsView()) : gradient,
                iteration, epoch, batchSize, workspaceMgr);
    }

    /**
     * Whether an array covers exactly the network's gradient array, as its reshaped views do (by
     * memory: ND4J wraps the same memory in a new buffer object for each view).
     */
    boolean isNetworksOwn(INDArray array) {
        INDArray own = getFlattenedGradientsView();
        return array.data().address() == own.data().address() && array.offset() == own.offset()
                && array.length() == own.length() && array.dataType() == own.dataType();
    }

    /** A gradient whose flat array is the network's gradient array itself, by identity. */
    private record OwnGradient(Gradient original, INDArray flat) implements Gradient {

        @Override
        public INDArray gradient() {
            return flat;
        }

        @Override
        public Map<String, INDArray> gradientForVariable() {
            return original.gradientForVariable();
        }

        @Override
        public INDArray gradient(List<String> order) {
            return original.gradient(order);
        }

        @Override
        public void clear() {
            original.clear();
        }

        @Override
        public INDArray getGradientFor(String variable) {
            return original.getGradientFor(variable);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray newGradient) {
            return original.setGradientFor(variable, newGradient);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray newGradient, Character flatteningOrder) {
            return original.setGradientFor(variable, newGradient, flatteningOrder);
        }

        @Override
        public Character flatteningOrderForVariable(String variable) {
            return original.flatteningOrderForVariable(variable);
        }
    }
}
