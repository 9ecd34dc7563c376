package org.resnetspark.models;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
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
import org.resnetspark.data.InputShape;
import org.resnetspark.layers.FusedBatchNorm;
import org.resnetspark.layers.OneDnnConvolution;
import org.resnetspark.layers.PlainLayout;
import org.resnetspark.layers.ResidualAdd;
import org.resnetspark.layers.Subsample;

/**
 * Builds any {@link ResNetSpec} as a DL4J computation graph: a stem, stages of residual blocks,
 * global average pooling and a softmax classifier.
 *
 * <p>Post-activation block (He et al. 2015): each convolution is followed by batch norm and ReLU,
 * except the last, whose batch norm output is added to the shortcut and then passed through ReLU.
 * Pre-activation block (He et al. 2016): batch norm and ReLU before each convolution, nothing after
 * the addition; a projection shortcut takes the pre-activated input, an identity (or option A)
 * shortcut the block's input, except in the preact family's first block, where both paths take
 * the activated stem (He et al. 2016, section 4.1); a final BN-ReLU precedes the pooling.
 *
 * <p>Every layer states its activation (DL4J's default is sigmoid). A ReLU after batch norm is the
 * activation of the project's {@link FusedBatchNorm}, which (unlike DL4J's BatchNormalization,
 * which ignores its activation) applies it; {@link NetworkOptions.Layers#DL4J} builds the same
 * function from DL4J's batch norm and a separate activation layer. The project's layers also
 * include oneDNN convolutions and an in-place residual addition (see the layers package).
 * Convolutions have no bias (batch norm follows or precedes each) and He initialisation. In
 * bottlenecks the stride sits on the middle convolution (fb.resnet.torch).
 *
 * <p>Vertex names say where they are: {@code stem_conv}, {@code stage2_block3_conv1},
 * {@code stage2_block3_bn1}, {@code stage2_block1_shortcut_conv}, {@code stage2_block3_add}
 * (pre-activation, and DL4J's layers), {@code stage2_block3_out} (the block's output after its
 * ReLU), {@code final_bn}, {@code pool}, {@code output}.
 */
public final class ResNetGraph {

    public static final String INPUT = "input";
    public static final String OUTPUT = "output";

    private ResNetGraph() {
    }

    public static ComputationGraphConfiguration configuration(ResNetSpec spec, NetworkOptions options) {
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

        Family.Order order = spec.family().order();
        LayerChoice layers = new LayerChoice(graph, options.layers(), blockedLayout(spec, options));
        graph.addLayer("stem_conv", layers.conv(3, 1, spec.stemWidth(), 0, true), INPUT);
        // Pre-activation blocks normalise their own input; post-activation stems end in BN-ReLU.
        String previous = order == Family.Order.PRE ? "stem_conv" : layers.batchNorm("stem_bn", Activation.RELU, "stem_conv");

        int inWidth = spec.stemWidth();
        List<ResNetSpec.Stage> stages = spec.stages();
        for (int s = 0; s < stages.size(); s++) {
            ResNetSpec.Stage stage = stages.get(s);
            for (int b = 0; b < stage.blocks(); b++) {
                Block block = new Block("stage" + (s + 1) + "_block" + (b + 1), inWidth, stage.innerWidth(),
                        stage.outWidth(), b == 0 ? stage.stride() : 1, spec.block(), spec.kernel(), spec.span(),
                        spec.shortcut(), spec.dropout());
                // He et al. 2016: the unit after the stem convolution activates before splitting into two paths.
                boolean activatesBothPaths = spec.family() == Family.PREACT && s == 0 && b == 0;
                previous = order == Family.Order.PRE ? block.addPreActivation(graph, layers, previous, activatesBothPaths)
                        : block.addPostActivation(graph, layers, previous);
                inWidth = stage.outWidth();
            }
        }
        if (order == Family.Order.PRE) {
            previous = layers.batchNorm("final_bn", Activation.RELU, previous);
        }
        if (layers.blocked()) {
            graph.addLayer("plain_layout", new PlainLayout(), previous);
            previous = "plain_layout";
        }

        graph.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), previous);
        OutputLayer.Builder classifier = new OutputLayer.Builder(LossFunction.MCXENT)
                .nOut(spec.numClasses())
                .activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER);
        if (spec.dropout().beforeClassifier() > 0) {
            classifier.dropOut(new org.deeplearning4j.nn.conf.dropout.Dropout(1 - spec.dropout().beforeClassifier()));
        }
        graph.addLayer(OUTPUT, classifier.build(), "pool");
        graph.setOutputs(OUTPUT);
        return graph.build();
    }

    /**
     * One residual block: where it is, its widths and stride, and its variant.
     *
     * @param span convolutions in the residual branch of a basic block
     */
    record Block(String prefix, int inWidth, int innerWidth, int outWidth, int stride, BlockType type, int kernel,
                 int span, Shortcut shortcut, Dropout dropout) {

        /** The residual branch's convolutions, in order. */
        List<ConvolutionLayer> convolutions(LayerChoice layers) {
            List<ConvolutionLayer> convs = new ArrayList<>();
            if (type == BlockType.BOTTLENECK) {
                convs.add(layers.conv(1, 1, innerWidth, dropout.beforeConv(0), false));
                convs.add(layers.conv(kernel, stride, innerWidth, dropout.beforeConv(1), false));
                convs.add(layers.conv(1, 1, outWidth, dropout.beforeConv(2), false));
            } else {
                for (int i = 0; i < span; i++) {
                    convs.add(layers.conv(kernel, i == 0 ? stride : 1, outWidth, dropout.beforeConv(i), false));
                }
            }
            return convs;
        }

        String addPostActivation(GraphBuilder graph, LayerChoice layers, String input) {
            List<ConvolutionLayer> convs = convolutions(layers);
            String x = input;
            for (int i = 1; i <= convs.size(); i++) {
                graph.addLayer(prefix + "_conv" + i, convs.get(i - 1), x);
                boolean last = i == convs.size();
                if (last && shortcut == Shortcut.NONE) {
                    return layers.batchNorm(prefix + "_out", Activation.RELU, prefix + "_conv" + i);
                }
                x = layers.batchNorm(prefix + "_bn" + i, last ? Activation.IDENTITY : Activation.RELU, prefix + "_conv" + i);
            }
            String identity = shortcut(graph, layers, input, true);
            return layers.residualAdd(prefix, true, x, identity);
        }

        /**
         * @param activatesBothPaths whether an identity shortcut, too, takes the block's
         *                           pre-activated input (He et al. 2016's first unit after conv1)
         */
        String addPreActivation(GraphBuilder graph, LayerChoice layers, String input, boolean activatesBothPaths) {
            List<ConvolutionLayer> convs = convolutions(layers);
            String preActivated = layers.batchNorm(prefix + "_bn1", Activation.RELU, input);
            String x = preActivated;
            for (int i = 1; i <= convs.size(); i++) {
                if (i > 1) {
                    x = layers.batchNorm(prefix + "_bn" + i, Activation.RELU, x);
                }
                graph.addLayer(prefix + "_conv" + i, convs.get(i - 1), x);
                x = prefix + "_conv" + i;
            }
            if (shortcut == Shortcut.NONE) {
                return x;
            }
            // Projections see the normalised input; identity (and option A) keeps the raw input.
            boolean projects = shortcut == Shortcut.C || (shortcut == Shortcut.B && shapeChanges());
            String identity = shortcut(graph, layers, projects || activatesBothPaths ? preActivated : input, false);
            return layers.residualAdd(prefix, false, x, identity);
        }

        boolean shapeChanges() {
            return stride != 1 || inWidth != outWidth;
        }

        /**
         * The shortcut branch, as fb.resnet.torch decides it: a projection for option C, or for B
         * where the shape changes; otherwise identity, subsampled and zero-padded where it changes.
         * A projection is followed by batch norm in post-activation blocks only: in pre-activation
         * blocks its input is already normalised (He et al. 2016's code).
         */
        String shortcut(GraphBuilder graph, LayerChoice layers, String input, boolean batchNormAfterProjection) {
            String name = prefix + "_shortcut";
            if (shortcut == Shortcut.C || (shortcut == Shortcut.B && shapeChanges())) {
                graph.addLayer(name + "_conv", layers.conv(1, stride, outWidth, 0, false), input);
                return batchNormAfterProjection
                        ? layers.batchNorm(name + "_bn", Activation.IDENTITY, name + "_conv")
                        : name + "_conv";
            }
            if (!shapeChanges()) {
                return input;
            }
            // Option A: keep every stride-th pixel (a 1x1 max pool), then append zero channels.
            String x = input;
            if (stride != 1) {
                graph.addLayer(name + "_subsample", layers.subsample(stride), input);
                x = name + "_subsample";
            }
            if (outWidth == inWidth) {
                return x;
            }
            if (outWidth % inWidth != 0) {
                throw new IllegalArgumentException("Option A cannot zero-pad " + inWidth + " to " + outWidth + " channels");
            }
            List<String> parts = new ArrayList<>(List.of(x));
            for (int copy = 1; copy < outWidth / inWidth; copy++) {
                graph.addVertex(name + "_zeros" + copy, new ScaleVertex(0.0), x);
                parts.add(name + "_zeros" + copy);
            }
            graph.addVertex(name + "_pad", new MergeVertex(), parts.toArray(String[]::new));
            return name + "_pad";
        }
    }

    /**
     * Whether activations travel in oneDNN's blocked layout between the project's layers (used
     * when oneDNN runs, see layers.OneDnn): every width a multiple of 16, a whole number of blocks
     * on AVX2 and AVX-512 (option A's zero channels are then whole blocks too).
     */
    static boolean blockedLayout(ResNetSpec spec, NetworkOptions options) {
        if (options.layers() != NetworkOptions.Layers.ONEDNN) {
            return false;
        }
        return spec.stemWidth() % 16 == 0 && spec.stages().stream()
                .allMatch(stage -> stage.innerWidth() % 16 == 0 && stage.outWidth() % 16 == 0);
    }

    /** Adds convolutions, batch norms and residual additions in the implementation the options ask for. */
    record LayerChoice(GraphBuilder graph, NetworkOptions.Layers layers, boolean blocked) {

        /**
         * A bias-free convolution; its input is blocked unless it reads the network's input.
         * Padded by (k-1)/2 on every side, as the reference implementations pad (Torch, Caffe,
         * PyTorch): DL4J's "Same" mode pads a strided convolution's bottom and right only (as
         * TensorFlow does), which shifts every stride-2 output by a pixel against them.
         */
        ConvolutionLayer conv(int kernel, int stride, int filters, double dropoutRate, boolean readsNetworkInput) {
            ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(kernel, kernel)
                    .stride(stride, stride)
                    .convolutionMode(ConvolutionMode.Truncate)
                    .padding((kernel - 1) / 2, (kernel - 1) / 2)
                    .nOut(filters)
                    .hasBias(false)
                    .activation(Activation.IDENTITY);
            if (dropoutRate > 0) {
                // DL4J's argument is the probability of keeping a unit.
                conv.dropOut(new org.deeplearning4j.nn.conf.dropout.Dropout(1 - dropoutRate));
            }
            return layers == NetworkOptions.Layers.ONEDNN
                    ? new OneDnnConvolution(conv, blocked && !readsNetworkInput, blocked, readsNetworkInput) : conv.build();
        }

        /** Option A's subsampling: every stride-th pixel. */
        org.deeplearning4j.nn.conf.layers.Layer subsample(int stride) {
            return layers == NetworkOptions.Layers.ONEDNN ? new Subsample(stride, blocked)
                    : new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(1, 1).stride(stride, stride).build();
        }

        /** Batch norm with its activation; returns the name of the vertex that outputs the activated result. */
        String batchNorm(String name, Activation activation, String input) {
            if (layers == NetworkOptions.Layers.ONEDNN) {
                graph.addLayer(name, new FusedBatchNorm(activation, blocked), input);
                return name;
            }
            graph.addLayer(name, new BatchNormalization.Builder().activation(Activation.IDENTITY).build(), input);
            if (activation == Activation.IDENTITY) {
                return name;
            }
            graph.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name);
            return name + "_relu";
        }

        /**
         * The block's addition (and ReLU, in post-activation blocks); returns the name of the
         * vertex that outputs the block's result: {@code <block>_out} after a ReLU, else
         * {@code <block>_add}. The project's vertex adds in place into the branch's activation.
         */
        String residualAdd(String block, boolean relu, String branch, String shortcut) {
            if (layers == NetworkOptions.Layers.ONEDNN) {
                String name = block + (relu ? "_out" : "_add");
                graph.addVertex(name, new ResidualAdd(relu), branch, shortcut);
                return name;
            }
            graph.addVertex(block + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), branch, shortcut);
            if (!relu) {
                return block + "_add";
            }
            graph.addLayer(block + "_out", new ActivationLayer.Builder().activation(Activation.RELU).build(), block + "_add");
            return block + "_out";
        }
    }
}
