package org.resnetspark.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

/** The vertex a {@link ResidualAdd} builds. */
public class ResidualAddVertex extends BaseGraphVertex {

    private final boolean relu;
    private final OneDnnAddRelu oneDnn;
    /** The training forward pass's output, whose signs the ReLU's backward pass needs. */
    private INDArray output;
    /** Whether both inputs get the same gradient array; decided on the first backward pass. */
    private Boolean sharesGradient;

    public ResidualAddVertex(ComputationGraph graph, String name, int vertexIndex, boolean relu, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
        this.relu = relu;
        this.oneDnn = new OneDnnAddRelu(relu);
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("Cannot do forward pass: inputs not set");
        }
        INDArray branch = inputs[0];
        INDArray shortcut = inputs[1];
        // In place only while training: every activation then lives until the backward pass, while
        // inference recycles activation memory by vertex and must get a fresh array.
        INDArray out = training && ChannelMath.isDense(branch) ? branch
                : newArray(workspaceMgr, ArrayType.ACTIVATIONS, branch);
        if (OneDnnAddRelu.applies(branch, shortcut, out)) {
            oneDnn.forward(branch, shortcut, out);
        } else {
            Nd4j.exec(new AddOp(branch, shortcut, out));
            if (relu) {
                Nd4j.exec(new RectifiedLinear(out, out, 0.0));
            }
        }
        output = training ? out : null;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("Cannot do backward pass: errors not set");
        }
        INDArray gradient;
        if (relu) {
            gradient = newArray(workspaceMgr, ArrayType.ACTIVATION_GRAD, epsilon);
            // output > 0 exactly where the sum was > 0.
            INDArray outputGradient = ChannelMath.dense(epsilon);
            if (OneDnnAddRelu.applies(output, outputGradient, gradient)) {
                oneDnn.reluBackward(output, outputGradient, gradient);
            } else {
                ChannelMath.reluBackward(output, outputGradient, gradient);
            }
        } else {
            gradient = newArray(workspaceMgr, ArrayType.ACTIVATION_GRAD, epsilon).assign(epsilon);
        }
        output = null;
        INDArray shortcutGradient = sharesGradient() ? gradient
                : newArray(workspaceMgr, ArrayType.ACTIVATION_GRAD, gradient).assign(gradient);
        return new Pair<>(null, new INDArray[] {gradient, shortcutGradient});
    }

    /**
     * Whether both inputs may get the same gradient array, which saves a copy (a pass over the
     * block's output) per block and step. DL4J adds a vertex's further gradients into the first
     * array it was given, in place, and runs the backward pass in reverse topological order; a
     * shared array must not change before both inputs' vertices have read it. That holds when the
     * branch's vertex feeds only this one and every other consumer of the shortcut's vertex comes
     * before the branch's in that order (so after it going backward). True of every residual block here.
     */
    private boolean sharesGradient() {
        if (sharesGradient == null) {
            GraphVertex[] vertices = graph.getVertices();
            GraphVertex branch = vertices[getInputVertices()[0].getVertexIndex()];
            GraphVertex shortcut = vertices[getInputVertices()[1].getVertexIndex()];
            int[] position = new int[vertices.length];
            int[] order = graph.topologicalSortOrder();
            for (int i = 0; i < order.length; i++) {
                position[order[i]] = i;
            }
            boolean safe = branch != shortcut && branch.getOutputVertices().length == 1;
            for (VertexIndices consumer : shortcut.getOutputVertices()) {
                int index = consumer.getVertexIndex();
                safe &= index == getVertexIndex() || position[index] <= position[branch.getVertexIndex()];
            }
            sharesGradient = safe;
        }
        return sharesGradient;
    }

    /** An uninitialised array shaped like another; on a cache line where oneDNN will read it. */
    private static INDArray newArray(LayerWorkspaceMgr workspaceMgr, ArrayType type, INDArray like) {
        return OneDnn.usable(like.dataType()) ? OneDnn.aligned(workspaceMgr, type, like.shape())
                : workspaceMgr.createUninitialized(type, like.dataType(), like.shape(), 'c');
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalArgumentException("ResidualAdd has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public String toString() {
        return "ResidualAddVertex(id=" + getVertexIndex() + ",name=\"" + getVertexName() + "\",relu=" + relu + ")";
    }
}
