package org.resnetspark.pytorch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.resnetspark.data.BadInputException;
import org.resnetspark.data.InputShape;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ResNetSpec;
import org.resnetspark.models.Shortcut;

/**
 * Our networks' parameters as a reference implementation's PyTorch state dict, both ways.
 *
 * <ul>
 * <li>Convolution weights are [out, in, kH, kW] on both sides.
 * <li>The classifier's weight is transposed (DL4J [in, out], PyTorch [out, in]).
 * <li>Batch norm: weight and bias are gamma and beta, {@code running_mean} the running mean, and
 * {@code running_var} becomes DL4J's log10 of the standard deviation, {@code log10(var) / 2}
 * (DL4J's inference then uses {@code (10^log10std)^2 + eps}, as PyTorch uses {@code var + eps});
 * both sides' epsilon is 1e-5. {@code num_batches_tracked} is ignored on import and written as 0.
 * <li>pytorch_resnet_cifar10's option A puts its zero channels on both sides of the subsampled
 * input, ours after it. The two networks compute the same function with the residual stream's
 * channels in another order, so the mapping carries each stage's order: our channel j is the
 * reference's channel {@code order[j]} in every layer that reads or writes the stream (a block's
 * first convolution's inputs, its last convolution's and batch norm's outputs, the classifier's
 * inputs).
 * </ul>
 */
public final class PyTorchWeights {

    /** PyTorch's BatchNorm2d default, which every reference uses. */
    static final double TORCH_BN_EPS = 1e-5;

    private static final Pattern BLOCK_LAYER = Pattern.compile("stage(\\d+)_block(\\d+)_(conv|bn|shortcut_conv|shortcut_bn)(\\d*)");

    private PyTorchWeights() {
    }

    /** One of our layers with parameters, its name in the reference, and the channel orders of its two sides. */
    private record Mapping(Layer layer, String torchName, int[] inOrder, int[] outOrder) {

        String name() {
            return layer.conf().getLayer().getLayerName();
        }

        org.deeplearning4j.nn.conf.layers.Layer conf() {
            return layer.conf().getLayer();
        }
    }

    /**
     * Model {@code name} with the classes and input channels of {@code stateDict} (its classifier's
     * bias and its stem's input channels; 10 and 3 when those keys are missing, which the import
     * then reports), on {@code imageSize} x {@code imageSize} images.
     */
    public static ResNetSpec specFor(String name, Map<String, TorchTensor> stateDict, int imageSize) {
        ReferenceLayout layout = ReferenceLayout.of(parse(name, 10, new InputShape(3, imageSize, imageSize)));
        TorchTensor bias = stateDict.get(layout.torchName("output") + ".bias");
        TorchTensor stem = stateDict.get(layout.torchName("stem_conv") + ".weight");
        int classes = bias != null && bias.shape().length == 1 ? (int) bias.shape()[0] : 10;
        int channels = stem != null && stem.shape().length == 4 ? (int) stem.shape()[1] : 3;
        return parse(name, classes, new InputShape(channels, imageSize, imageSize));
    }

    /** Model {@code name} as {@code net} was built: its classes and input channels; refused if {@code net} is another model. */
    public static ResNetSpec specOf(String name, ComputationGraph net, String source) {
        long classes = net.getLayer("output").getParam("b").length();
        long channels = net.getLayer("stem_conv").getParam("W").size(1);
        ResNetSpec spec = parse(name, (int) classes, new InputShape((int) channels, 32, 32));
        ComputationGraph built = new ComputationGraph(spec.configuration(org.resnetspark.models.NetworkOptions.defaults()));
        built.init();
        long expected = built.numParams();
        if (expected != net.numParams()) {
            throw new BadInputException(source + " has " + net.numParams() + " parameters, " + name + " has " + expected
                    + ": give the --model it was trained as");
        }
        return spec;
    }

    private static ResNetSpec parse(String name, int classes, InputShape input) {
        if (!(ModelRegistry.parse(name, classes, input) instanceof ResNetSpec spec)) {
            throw new IllegalArgumentException("Model '" + name + "' is not a ResNet of this project's families");
        }
        return spec;
    }

    /**
     * Copies {@code stateDict} (from {@code source}, for messages) into {@code net}, a network of
     * {@code spec}. Every key the reference module has must be there with its shape, and no other.
     */
    public static void load(ComputationGraph net, ResNetSpec spec, Map<String, TorchTensor> stateDict, String source) {
        ReferenceLayout layout = ReferenceLayout.of(spec);
        List<Mapping> mappings = mappings(net, spec, layout);
        Map<String, long[]> expected = expectedShapes(mappings);
        checkFits(expected, stateDict, source, spec, layout);
        for (Mapping m : mappings) {
            String key = m.torchName();
            if (m.conf() instanceof BatchNormalization bn) {
                set(m, BatchNormalizationParamInitializer.GAMMA, permuted(stateDict.get(key + ".weight"), m.outOrder()));
                set(m, BatchNormalizationParamInitializer.BETA, permuted(stateDict.get(key + ".bias"), m.outOrder()));
                set(m, BatchNormalizationParamInitializer.GLOBAL_MEAN, permuted(stateDict.get(key + ".running_mean"), m.outOrder()));
                float[] variance = permuted(stateDict.get(key + ".running_var"), m.outOrder());
                if (bn.isUseLogStd()) {
                    float[] log10Std = new float[variance.length];
                    for (int c = 0; c < variance.length; c++) {
                        log10Std[c] = (float) (Math.log10(variance[c]) / 2);
                    }
                    set(m, BatchNormalizationParamInitializer.GLOBAL_LOG_STD, log10Std);
                } else {
                    set(m, BatchNormalizationParamInitializer.GLOBAL_VAR, variance);
                }
            } else if (m.conf() instanceof ConvolutionLayer) {
                TorchTensor weight = stateDict.get(key + ".weight");
                set(m, "W", gather(weight.values(), convIndex(weight.shape(), m.inOrder(), m.outOrder())));
            } else {
                TorchTensor weight = stateDict.get(key + ".weight");
                set(m, "W", gather(weight.values(), linearIndex(weight.shape(), m.inOrder())));
                set(m, "b", stateDict.get(key + ".bias").values());
            }
        }
    }

    /** {@code net}'s parameters as the reference module's state dict, keys in the network's order. */
    public static Map<String, TorchTensor> stateDict(ComputationGraph net, ResNetSpec spec) {
        ReferenceLayout layout = ReferenceLayout.of(spec);
        Map<String, TorchTensor> stateDict = new LinkedHashMap<>();
        for (Mapping m : mappings(net, spec, layout)) {
            String key = m.torchName();
            if (m.conf() instanceof BatchNormalization bn) {
                long[] shape = {m.layer().getParam(BatchNormalizationParamInitializer.GAMMA).length()};
                stateDict.put(key + ".weight", TorchTensor.floats(shape, unpermuted(get(m, BatchNormalizationParamInitializer.GAMMA), m.outOrder())));
                stateDict.put(key + ".bias", TorchTensor.floats(shape, unpermuted(get(m, BatchNormalizationParamInitializer.BETA), m.outOrder())));
                stateDict.put(key + ".running_mean", TorchTensor.floats(shape,
                        unpermuted(get(m, BatchNormalizationParamInitializer.GLOBAL_MEAN), m.outOrder())));
                float[] variance;
                if (bn.isUseLogStd()) {
                    float[] log10Std = get(m, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
                    variance = new float[log10Std.length];
                    for (int c = 0; c < log10Std.length; c++) {
                        variance[c] = (float) Math.pow(10, 2.0 * log10Std[c]);
                    }
                } else {
                    variance = get(m, BatchNormalizationParamInitializer.GLOBAL_VAR);
                }
                stateDict.put(key + ".running_var", TorchTensor.floats(shape, unpermuted(variance, m.outOrder())));
                stateDict.put(key + ".num_batches_tracked", new TorchTensor(TorchTensor.LONG, new long[0], new float[] {0}));
            } else if (m.conf() instanceof ConvolutionLayer) {
                long[] shape = m.layer().getParam("W").shape();
                stateDict.put(key + ".weight", TorchTensor.floats(shape,
                        scatter(get(m, "W"), convIndex(shape, m.inOrder(), m.outOrder()))));
            } else {
                long[] ourShape = m.layer().getParam("W").shape();
                long[] shape = {ourShape[1], ourShape[0]};
                stateDict.put(key + ".weight", TorchTensor.floats(shape, scatter(get(m, "W"), linearIndex(shape, m.inOrder()))));
                stateDict.put(key + ".bias", TorchTensor.floats(new long[] {shape[0]}, get(m, "b")));
            }
        }
        return stateDict;
    }

    private static List<Mapping> mappings(ComputationGraph net, ResNetSpec spec, ReferenceLayout layout) {
        List<int[]> streamOrders = streamOrders(spec, layout);
        List<Mapping> mappings = new ArrayList<>();
        for (Layer layer : net.getLayers()) {
            if (layer.numParams() == 0) {
                continue;
            }
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            String name = conf.getLayerName();
            if (conf instanceof BatchNormalization bn && Math.abs(bn.getEps() - TORCH_BN_EPS) > 1e-12) {
                throw new IllegalStateException("Batch norm " + name + " has epsilon " + bn.getEps() + ", PyTorch's is "
                        + TORCH_BN_EPS + ": the same weights would compute another function");
            }
            if (!(conf instanceof BatchNormalization || conf instanceof ConvolutionLayer || conf instanceof BaseOutputLayer)) {
                throw new IllegalStateException("Layer " + name + " (" + conf.getClass().getSimpleName() + ") has no PyTorch mapping");
            }
            int[] in = null;
            int[] out = null;
            Matcher block = BLOCK_LAYER.matcher(name);
            if (block.matches()) {
                int stage = Integer.parseInt(block.group(1));
                int[] blockInput = streamOrders.get(block.group(2).equals("1") ? stage - 1 : stage);
                int[] stageStream = streamOrders.get(stage);
                boolean last = block.group(4).equals(String.valueOf(spec.span()));
                // Orders differ only in pytorch_resnet_cifar10, post-activation: the stream enters a
                // block's first convolution and leaves its last convolution and batch norm.
                switch (block.group(3)) {
                    case "conv" -> {
                        in = block.group(4).equals("1") ? blockInput : null;
                        out = last ? stageStream : null;
                    }
                    case "bn" -> out = last ? stageStream : null;
                    case "shortcut_conv" -> {
                        in = blockInput;
                        out = stageStream;
                    }
                    default -> out = stageStream;
                }
            } else if (name.equals("output")) {
                in = streamOrders.get(streamOrders.size() - 1);
            }
            mappings.add(new Mapping(layer, layout.torchName(name), in, out));
        }
        return mappings;
    }

    /**
     * Per stage (0 for the stem), the reference's channel of each of our residual-stream channels,
     * or null where both orders agree. Only pytorch_resnet_cifar10's option A differs: where a
     * stage widens, its input channels land planes/4 further on, with zeros on both sides.
     */
    private static List<int[]> streamOrders(ResNetSpec spec, ReferenceLayout layout) {
        List<int[]> orders = new ArrayList<>();
        orders.add(null);
        int width = spec.stemWidth();
        for (ResNetSpec.Stage stage : spec.stages()) {
            int[] previous = orders.get(orders.size() - 1);
            int out = stage.outWidth();
            boolean padded = layout == ReferenceLayout.PYTORCH_RESNET_CIFAR10 && spec.shortcut() == Shortcut.A && out != width;
            if (!padded) {
                orders.add(previous);
                width = out;
                continue;
            }
            int before = out / 4;
            if (width + 2 * before != out) {
                throw new IllegalArgumentException("pytorch_resnet_cifar10's option A pads " + width + " channels with "
                        + before + " zeros on each side, which does not make " + out);
            }
            int[] order = new int[out];
            for (int j = 0; j < width; j++) {
                order[j] = before + (previous == null ? j : previous[j]);
            }
            int zero = width;
            for (int c = 0; c < out; c++) {
                if (c < before || c >= before + width) {
                    order[zero++] = c;
                }
            }
            orders.add(order);
            width = out;
        }
        return orders;
    }

    private static Map<String, long[]> expectedShapes(List<Mapping> mappings) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Mapping m : mappings) {
            if (m.conf() instanceof BatchNormalization) {
                long[] channels = {m.layer().getParam(BatchNormalizationParamInitializer.GAMMA).length()};
                for (String suffix : List.of(".weight", ".bias", ".running_mean", ".running_var")) {
                    shapes.put(m.torchName() + suffix, channels);
                }
            } else if (m.conf() instanceof ConvolutionLayer) {
                shapes.put(m.torchName() + ".weight", m.layer().getParam("W").shape());
            } else {
                long[] w = m.layer().getParam("W").shape();
                shapes.put(m.torchName() + ".weight", new long[] {w[1], w[0]});
                shapes.put(m.torchName() + ".bias", new long[] {w[1]});
            }
        }
        return shapes;
    }

    /** Every expected key present with its shape, nothing else but {@code num_batches_tracked}; else one error listing both sides. */
    private static void checkFits(Map<String, long[]> expected, Map<String, TorchTensor> stateDict, String source,
                                  ResNetSpec spec, ReferenceLayout layout) {
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(stateDict.keySet());
        TreeSet<String> extra = new TreeSet<>(stateDict.keySet());
        extra.removeAll(expected.keySet());
        extra.removeIf(key -> key.endsWith(".num_batches_tracked"));
        List<String> shapes = new ArrayList<>();
        expected.forEach((key, shape) -> {
            TorchTensor tensor = stateDict.get(key);
            if (tensor != null && !Arrays.equals(shape, tensor.shape())) {
                shapes.add(key + " " + tensor.shapeText() + " in the file, " + Arrays.toString(shape) + " in " + spec.name());
            }
        });
        if (missing.isEmpty() && extra.isEmpty() && shapes.isEmpty()) {
            return;
        }
        throw new BadInputException(source + " does not fit " + spec.name() + " in the layout of " + layout.code()
                + ": " + listed("missing from the file", missing) + "; " + listed("in the file but not in " + spec.name(), extra)
                + "; " + listed("shapes differ", shapes) + ". Give the --model the weights were trained as.");
    }

    private static String listed(String what, java.util.Collection<String> keys) {
        int shown = 40;
        List<String> list = new ArrayList<>(keys);
        String items = String.join(", ", list.subList(0, Math.min(shown, list.size())));
        return what + " (" + list.size() + "): " + (list.isEmpty() ? "none" : items)
                + (list.size() > shown ? ", ... " + (list.size() - shown) + " more" : "");
    }

    /** For each element of our [out, in, kH, kW] weight (row-major), its index in the reference's. */
    private static int[] convIndex(long[] shape, int[] inOrder, int[] outOrder) {
        int outs = (int) shape[0];
        int ins = (int) shape[1];
        int kernel = (int) (shape[2] * shape[3]);
        int[] index = new int[outs * ins * kernel];
        for (int o = 0; o < outs; o++) {
            int to = outOrder == null ? o : outOrder[o];
            for (int i = 0; i < ins; i++) {
                int ti = inOrder == null ? i : inOrder[i];
                for (int k = 0; k < kernel; k++) {
                    index[(o * ins + i) * kernel + k] = (to * ins + ti) * kernel + k;
                }
            }
        }
        return index;
    }

    /** For each element of our [in, out] weight (row-major), its index in the reference's [out, in]. */
    private static int[] linearIndex(long[] torchShape, int[] inOrder) {
        int outs = (int) torchShape[0];
        int ins = (int) torchShape[1];
        int[] index = new int[ins * outs];
        for (int i = 0; i < ins; i++) {
            int ti = inOrder == null ? i : inOrder[i];
            for (int o = 0; o < outs; o++) {
                index[i * outs + o] = o * ins + ti;
            }
        }
        return index;
    }

    /** Ours from the reference's: element i is the reference's element {@code index[i]}. */
    private static float[] gather(float[] reference, int[] index) {
        float[] ours = new float[index.length];
        for (int i = 0; i < index.length; i++) {
            ours[i] = reference[index[i]];
        }
        return ours;
    }

    /** The reference's from ours: the inverse of {@link #gather}. */
    private static float[] scatter(float[] ours, int[] index) {
        float[] reference = new float[ours.length];
        for (int i = 0; i < index.length; i++) {
            reference[index[i]] = ours[i];
        }
        return reference;
    }

    /** A per-channel tensor in our channel order (a null order: the same). */
    private static float[] permuted(TorchTensor tensor, int[] order) {
        return order == null ? tensor.values() : gather(tensor.values(), order);
    }

    private static float[] unpermuted(float[] ours, int[] order) {
        return order == null ? ours : scatter(ours, order);
    }

    /** Assigns row-major values to a parameter, whatever the order of DL4J's view (classifier weights are 'f'). */
    private static void set(Mapping m, String key, float[] values) {
        INDArray param = m.layer().getParam(key);
        param.assign(Nd4j.create(values, param.shape(), 'c').castTo(param.dataType()));
    }

    private static float[] get(Mapping m, String key) {
        return m.layer().getParam(key).castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector();
    }
}
