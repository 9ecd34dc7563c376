package org.resnetspark.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Builds the CIFAR ResNets and plain nets of He et al. 2015 as DL4J computation graphs.
 *
 * <p>Post-activation basic block: conv3x3(stride) - BN - ReLU - conv3x3 - BN, plus the shortcut,
 * then ReLU. Convolutions have no bias (batch norm follows each) and He initialisation.
 *
 * <p>Every layer states its activation: DL4J's default is sigmoid, which a convolution followed by
 * batch norm would otherwise silently apply. The ReLU after a batch norm is the batch norm's own
 * activation, which saves a layer and a copy.
 *
 * <p>Vertex names say where they are: {@code stage2_block3_conv1}, {@code stage2_block3_bn1},
 * {@code stage2_block1_shortcut_conv}, {@code stage2_block3_add}, {@code stage2_block3_out}.
 */
public final class CifarResNet {

    public static final String INPUT = "input";
    public static final String OUTPUT = "output";

    private CifarResNet() {
    }

    public static ComputationGraphConfiguration configuration(CifarResNetSpec spec, NetworkOptions options) {
        InputShape in = spec.input();
        GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(options.seed())
                .dataType(options.dataType())
                .updater(options.updater())
                .l2(options.l2())
                .weightInit(WeightInit.RELU)
                .activation(Activation.IDENTITY)
                .convolutionMode(ConvolutionMode.Same)
                .cacheMode(options.cacheMode())
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(in.height(), in.width(), in.channels()));

        int[] widths = CifarResNetSpec.STAGE_WIDTHS;
        graph.addLayer("stem_conv", conv(3, 1, widths[0]), INPUT);
        String previous = batchNorm(graph, "stem_bn", Activation.RELU, "stem_conv");

        int inWidth = widths[0];
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < spec.blocksPerStage(); block++) {
                int stride = (stage > 0 && block == 0) ? 2 : 1;
                String prefix = "stage" + (stage + 1) + "_block" + (block + 1);
                previous = basicBlock(graph, prefix, previous, inWidth, widths[stage], stride, spec.shortcut());
                inWidth = widths[stage];
            }
        }

        graph.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), previous);
        graph.addLayer(OUTPUT, new OutputLayer.Builder(LossFunction.MCXENT)
                .nOut(spec.numClasses())
                .activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER)
                .build(), "pool");
        graph.setOutputs(OUTPUT);
        return graph.build();
    }

    /** Adds one basic block and returns the name of its output vertex. */
    static String basicBlock(GraphBuilder graph, String prefix, String input, int inWidth, int outWidth,
                             int stride, Shortcut shortcut) {
        graph.addLayer(prefix + "_conv1", conv(3, stride, outWidth), input);
        String bn1 = batchNorm(graph, prefix + "_bn1", Activation.RELU, prefix + "_conv1");
        graph.addLayer(prefix + "_conv2", conv(3, 1, outWidth), bn1);
        if (shortcut == Shortcut.NONE) {
            return batchNorm(graph, prefix + "_out", Activation.RELU, prefix + "_conv2");
        }
        String residual = batchNorm(graph, prefix + "_bn2", Activation.IDENTITY, prefix + "_conv2");
        String identity = shortcut(graph, prefix + "_shortcut", input, inWidth, outWidth, stride, shortcut);
        graph.addVertex(prefix + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), residual, identity);
        graph.addLayer(prefix + "_out", new ActivationLayer.Builder().activation(Activation.RELU).build(), prefix + "_add");
        return prefix + "_out";
    }

    /**
     * The shortcut branch, as fb.resnet.torch decides it: a projection for option C, or for B where
     * the shape changes; otherwise identity, subsampled and zero-padded where the shape changes.
     */
    static String shortcut(GraphBuilder graph, String prefix, String input, int inWidth, int outWidth,
                           int stride, Shortcut option) {
        boolean shapeChanges = stride != 1 || inWidth != outWidth;
        if (option == Shortcut.C || (option == Shortcut.B && shapeChanges)) {
            graph.addLayer(prefix + "_conv", conv(1, stride, outWidth), input);
            return batchNorm(graph, prefix + "_bn", Activation.IDENTITY, prefix + "_conv");
        }
        if (!shapeChanges) {
            return input;
        }
        if (outWidth != 2 * inWidth) {
            throw new IllegalArgumentException("Option A pads channels by doubling: " + inWidth + " -> " + outWidth);
        }
        // Option A: keep every stride-th pixel (a 1x1 max pool), then append as many zero channels.
        graph.addLayer(prefix + "_subsample", new SubsamplingLayer.Builder(PoolingType.MAX)
                .kernelSize(1, 1).stride(stride, stride).build(), input);
        graph.addVertex(prefix + "_zeros", new ScaleVertex(0.0), prefix + "_subsample");
        graph.addVertex(prefix + "_pad", new MergeVertex(), prefix + "_subsample", prefix + "_zeros");
        return prefix + "_pad";
    }

    static ConvolutionLayer conv(int kernel, int stride, int filters) {
        return new ConvolutionLayer.Builder(kernel, kernel)
                .stride(stride, stride)
                .nOut(filters)
                .hasBias(false)
                .activation(Activation.IDENTITY)
                .build();
    }

    static String batchNorm(GraphBuilder graph, String name, Activation activation, String input) {
        graph.addLayer(name, new BatchNormalization.Builder().activation(activation).build(), input);
        return name;
    }
}
