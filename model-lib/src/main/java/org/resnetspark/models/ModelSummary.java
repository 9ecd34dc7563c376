package org.resnetspark.models;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.resnetspark.data.InputShape;

/**
 * Size and cost of a network, read from its configuration (no parameters are allocated).
 *
 * @param trainableParameters what the papers count: weights, biases, batch-norm scale and shift;
 *                            not batch-norm running statistics, which DL4J stores as parameters
 * @param batchNormParameters the batch-norm scales and shifts among them (He et al. 2016 and
 *                            Zagoruyko and Komodakis 2016 count weights only)
 * @param multiplyAdds forward multiply-accumulates per image in convolution and dense layers
 *                     (the figure the papers quote as "FLOPs"; twice that in strict FLOPs)
 */
public record ModelSummary(String name, long trainableParameters, long batchNormParameters, long multiplyAdds,
                           int weightLayers) {

    public static ModelSummary of(ModelSpec spec) {
        ComputationGraphConfiguration conf = spec.configuration(NetworkOptions.defaults());
        InputShape in = spec.input();
        Map<String, InputType> outputs = conf.getLayerActivationTypes(
                InputType.convolutional(in.height(), in.width(), in.channels()));

        long params = 0;
        long batchNorm = 0;
        long macs = 0;
        int weightLayers = 0;
        for (Map.Entry<String, GraphVertex> entry : conf.getVertices().entrySet()) {
            if (!(entry.getValue() instanceof LayerVertex vertex)) {
                continue;
            }
            Layer layer = vertex.getLayerConf().getLayer();
            long count = trainableParameters(layer);
            if (layer instanceof BatchNormalization) {
                batchNorm += count;
            }
            params += count;
            if (layer instanceof ConvolutionLayer conv) {
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) outputs.get(entry.getKey());
                long[] kernel = {conv.getKernelSize()[0], conv.getKernelSize()[1]};
                macs += out.getHeight() * out.getWidth() * conv.getNOut() * kernel[0] * kernel[1] * conv.getNIn();
                weightLayers++;
            } else if (layer instanceof FeedForwardLayer dense && layer instanceof BaseLayer
                    && !(layer instanceof BatchNormalization)) {
                macs += dense.getNIn() * dense.getNOut();
                weightLayers++;
            }
        }
        return new ModelSummary(spec.name(), params, batchNorm, macs, weightLayers);
    }

    /** The parameters the papers count in any network's configuration (a model.zip's, say). */
    public static long trainableParameters(ComputationGraphConfiguration conf) {
        return conf.getVertices().values().stream()
                .filter(vertex -> vertex instanceof LayerVertex)
                .mapToLong(vertex -> trainableParameters(((LayerVertex) vertex).getLayerConf().getLayer()))
                .sum();
    }

    private static long trainableParameters(Layer layer) {
        if (layer instanceof BatchNormalization bn) {
            return 2 * bn.getNOut();   // gamma and beta; DL4J also stores the running statistics as parameters
        }
        return layer.initializer().numParams(layer);
    }

    public static ModelSummary of(String name) {
        return of(ModelRegistry.parse(name));
    }
}
