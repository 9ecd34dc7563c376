package org.resnetspark.spark;

import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.storage.StatsStorageRouterProvider;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's parameter-averaging worker, keeping its network from one averaging round to the next.
 * DL4J's worker builds a new network every round from the broadcast configuration, and that
 * network's first step also sets up what a network sets up once (gradient views, the updater, its
 * layers' oneDNN primitives and buffers). In {@code local[2]} on ResNet-20-B, averaging after every
 * step (the paper's synchronous SGD), that cost 12-17 ms to build and 50-65 ms more in the step,
 * a sixth of a round; with a kept network epoch 2 ran at 290-309 instead of 237-270 images/s.
 * This worker takes a network that an earlier round left in this JVM, if one of the same
 * configuration is idle on the same device, and copies the round's parameters and updater state
 * into it; {@link CountingTrainingMaster}'s hook then sets its counts as for a new one.
 * Results carry copies of the parameters, because the network goes back for the next round.
 *
 * <p>With DL4J's training statistics or listeners on, it is DL4J's worker: both are set up
 * where DL4J builds the network.
 */
final class ReusingTrainingWorker extends ParameterAveragingTrainingWorker {

    /** Networks whose round has ended, with the configuration they were built from and their device. */
    private static final Deque<Idle> IDLE = new ConcurrentLinkedDeque<>();
    /** Rounds in this JVM that started from a kept network (for tests). */
    private static final AtomicLong REUSED = new AtomicLong();

    /**
     * An idle network. The device matters on GPUs: a task thread is bound to the GPU Spark gave the
     * task ({@link GpuBinding}), which can differ from round to round, and a network's arrays stay
     * on the device it was built on. A class, not a record: a record's equals would compare the
     * networks' parameters (ComputationGraph.equals), and the queue removes entries by equals.
     */
    private static final class Idle {
        final String configuration;
        final int device;
        final ComputationGraph network;

        Idle(String configuration, int device, ComputationGraph network) {
            this.configuration = configuration;
            this.device = device;
            this.network = network;
        }
    }

    private final Broadcast<NetBroadcastTuple> broadcast;
    /** Identifies the network's configuration (without its counts) across rounds and epochs. */
    private final String configuration;
    private final boolean reuse;

    ReusingTrainingWorker(Broadcast<NetBroadcastTuple> broadcast, String configuration, boolean saveUpdater,
                          WorkerConfiguration worker, Collection<TrainingHook> hooks,
                          Collection<TrainingListener> listeners, StatsStorageRouterProvider routerProvider) {
        super(broadcast, saveUpdater, worker, hooks, listeners, routerProvider);
        this.broadcast = broadcast;
        this.configuration = configuration;
        this.reuse = !worker.isCollectTrainingStats() && (listeners == null || listeners.isEmpty());
    }

    @Override
    public ComputationGraph getInitialModelGraph() {
        ComputationGraph network = reuse ? takeIdle(configuration) : null;
        if (network == null) {
            return super.getInitialModelGraph();
        }
        REUSED.incrementAndGet();
        NetBroadcastTuple round = broadcast.getValue();
        network.params().assign(round.getParameters());
        INDArray state = network.getUpdater().getStateViewArray();
        if (state != null) {
            if (round.getUpdaterState() != null) {
                state.assign(round.getUpdaterState());
            } else {
                state.assign(0);   // what a new network's updater starts from
            }
        }
        // As in a new network built from a clone of the configuration: the master's hook sets them.
        network.getConfiguration().setIterationCount(0);
        network.getConfiguration().setEpochCount(0);
        Nd4j.getExecutioner().commit();
        return network;
    }

    @Override
    public ParameterAveragingTrainingResult getFinalResult(ComputationGraph network) {
        ParameterAveragingTrainingResult result = super.getFinalResult(network);
        if (!reuse) {
            return result;
        }
        INDArray updaterState = result.getUpdaterState();
        var copy = new ParameterAveragingTrainingResult(result.getParameters().dup(),
                updaterState == null ? null : updaterState.dup(), result.getScore(), result.getListenerMetaData(),
                result.getListenerStaticInfo(), result.getListenerUpdates());
        release(configuration, network);
        return copy;
    }

    static long networksReused() {
        return REUSED.get();
    }

    /** Drops the idle networks, e.g. when a run's training has ended and their memory is wanted back. */
    static void dropIdleNetworks() {
        IDLE.clear();
    }

    /**
     * An idle network of this configuration on this thread's device. Networks of other
     * configurations (a finished run's) are dropped; those on other devices stay for their tasks.
     */
    private static ComputationGraph takeIdle(String configuration) {
        int device = device();
        for (Idle idle : IDLE) {
            if (!idle.configuration.equals(configuration)) {
                IDLE.remove(idle);
            } else if (idle.device == device && IDLE.remove(idle)) {
                return idle.network;
            }
        }
        return null;
    }

    private static int device() {
        return Nd4j.getAffinityManager().getDeviceForCurrentThread();
    }

    private static synchronized void release(String configuration, ComputationGraph network) {
        // Once only, even if DL4J asks for a network's final result twice: two tasks must never share it.
        if (IDLE.stream().noneMatch(idle -> idle.network == network)) {
            IDLE.add(new Idle(configuration, device(), network));
        }
    }
}
