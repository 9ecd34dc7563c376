package org.resnetspark.spark;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.resnetspark.training.InPlaceUpdater;

/**
 * DL4J's parameter averaging, with workers that continue the network's iteration and epoch counts.
 * DL4J's worker builds its network from {@code ComputationGraphConfiguration.clone()}, which does
 * not copy the counts: every round's workers started at iteration 0, so a schedule by iteration
 * (the learning-rate drops, a linear warmup) never got past its first values and the rate stayed
 * at the base rate for the whole run. The driver keeps the counts (DL4J adds the averaging
 * frequency after each round); each round's workers now start from them. The workers' networks
 * also get {@link InPlaceUpdater}, as the single-process ones do, and are kept from round to round
 * ({@link ReusingTrainingWorker}).
 */
final class CountingTrainingMaster extends ParameterAveragingTrainingMaster {

    private String configurationKey;

    CountingTrainingMaster(Builder builder) {
        super(builder);
    }

    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        ComputationGraph network = graph.getNetwork();
        ComputationGraphConfiguration conf = network.getConfiguration();
        if (collectTrainingStats) {
            stats.logBroadcastStart();
        }
        Broadcast<NetBroadcastTuple> broadcast = graph.getSparkContext().broadcast(
                new NetBroadcastTuple(conf, network.params(), network.getUpdater().getStateViewArray()));
        if (collectTrainingStats) {
            stats.logBroadcastEnd();
        }
        // The master's hooks and this round's own, in a list of the round's: DL4J's worker would add them to the master's.
        List<TrainingHook> hooks = new ArrayList<>(trainingHookList == null ? List.of() : trainingHookList);
        hooks.add(new StartCountsAt(conf.getIterationCount(), conf.getEpochCount()));
        hooks.add(new UseInPlaceUpdater());
        var worker = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker, averagingFrequency,
                prefetchNumBatches, collectTrainingStats);
        return new ReusingTrainingWorker(broadcast, configurationKey(conf), saveUpdater, worker, hooks, listeners,
                getRouterProvider());
    }

    /** A digest of the configuration without its counts (which its clone drops), computed once per master. */
    private String configurationKey(ComputationGraphConfiguration conf) {
        if (configurationKey == null) {
            try {
                byte[] json = conf.clone().toJson().getBytes(StandardCharsets.UTF_8);
                configurationKey = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java has SHA-256", e);
            }
        }
        return configurationKey;
    }

    /** Runs on a worker before each of its steps: the first one gives the round's new network the updater. */
    record UseInPlaceUpdater() implements TrainingHook {

        @Override
        public void preUpdate(DataSet minibatch, Model model) {
            InPlaceUpdater.install((ComputationGraph) model);
        }

        @Override
        public void preUpdate(MultiDataSet minibatch, Model model) {
            InPlaceUpdater.install((ComputationGraph) model);
        }

        @Override
        public void postUpdate(DataSet minibatch, Model model) {
        }

        @Override
        public void postUpdate(MultiDataSet minibatch, Model model) {
        }
    }

    /** Runs on a worker before each of its steps: the first one sets the counts its network lost. */
    record StartCountsAt(int iteration, int epoch) implements TrainingHook {

        @Override
        public void preUpdate(DataSet minibatch, Model model) {
            setCounts(model);
        }

        @Override
        public void preUpdate(MultiDataSet minibatch, Model model) {
            setCounts(model);
        }

        private void setCounts(Model model) {
            ComputationGraphConfiguration conf = ((ComputationGraph) model).getConfiguration();
            // Later steps count on from here: only a network still at the clone's 0 is set.
            if (conf.getIterationCount() < iteration) {
                conf.setIterationCount(iteration);
                conf.setEpochCount(epoch);
            }
        }

        @Override
        public void postUpdate(DataSet minibatch, Model model) {
        }

        @Override
        public void postUpdate(MultiDataSet minibatch, Model model) {
        }
    }
}
