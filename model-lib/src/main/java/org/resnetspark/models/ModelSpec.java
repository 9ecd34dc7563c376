package org.resnetspark.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.resnetspark.data.InputShape;

/** A network the registry can name and build: architecture, classes and input shape. */
public interface ModelSpec {

    /** The registry name that parses back to this spec. */
    String name();

    /** Layers with weights on the longest path, as the papers count depth. */
    int depth();

    int numClasses();

    InputShape input();

    ComputationGraphConfiguration configuration(NetworkOptions options);

    default ComputationGraph build(NetworkOptions options) {
        ComputationGraph net = new ComputationGraph(configuration(options));
        net.init();
        org.resnetspark.training.InPlaceUpdater.install(net);
        return net;
    }
}
