package org.resnetspark.layers;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The addition that ends a residual block, optionally followed by ReLU: (branch + shortcut), or
 * relu(branch + shortcut). Unlike DL4J's {@link ElementWiseVertex} with a separate activation
 * layer, it writes the sum into the branch's last activation during training (as PyTorch's
 * in-place additions do), which no backward pass reads: two activation tensors fewer per block.
 * The catch: after a training forward pass, that vertex's activation holds the block's output.
 */
public class ResidualAdd extends ElementWiseVertex {

    private boolean relu;

    /** For JSON deserialisation. */
    public ResidualAdd() {
        super(Op.Add);
    }

    public ResidualAdd(boolean relu) {
        super(Op.Add);
        this.relu = relu;
    }

    public boolean isRelu() {
        return relu;
    }

    public void setRelu(boolean relu) {
        this.relu = relu;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType networkDatatype) {
        return new ResidualAddVertex(graph, name, idx, relu, networkDatatype);
    }

    @Override
    public ResidualAdd clone() {
        return new ResidualAdd(relu);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResidualAdd other && other.relu == relu;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(relu) + 31;
    }
}
