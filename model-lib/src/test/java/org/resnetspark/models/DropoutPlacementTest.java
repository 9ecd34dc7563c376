package org.resnetspark.models;

import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Dropout sits where its suffix says, at the rate it says, and only acts in training. */
class DropoutPlacementTest {

    /** Drop rate before each layer that has dropout, by layer name. */
    private static Map<String, Double> dropRates(String model) {
        ComputationGraphConfiguration conf = ModelRegistry.parse(model).configuration(NetworkOptions.defaults());
        Map<String, Double> rates = new TreeMap<>();
        conf.getVertices().forEach((name, vertex) -> {
            if (vertex instanceof LayerVertex layer) {
                IDropout dropout = layer.getLayerConf().getLayer().getIDropout();
                if (dropout != null) {
                    // DL4J stores the probability of keeping a unit.
                    rates.put(name, 1 - ((org.deeplearning4j.nn.conf.dropout.Dropout) dropout).getP());
                }
            }
        });
        return rates;
    }

    @Test
    void betweenConvolutionsMeansBeforeEverySecondConvolution() {
        Map<String, Double> rates = dropRates("wrn-10-2-dropout0.3");
        assertEquals(3, rates.size(), rates.toString());
        rates.forEach((name, rate) -> {
            assertEquals(0.3, rate, 1e-9);
            assertEquals(true, name.endsWith("_conv2"), name);
        });
    }

    @Test
    void beforeEachConvolutionAndBeforeTheClassifier() {
        Map<String, Double> rates = dropRates("resnet8-predrop0.1-fcdrop0.5");
        assertEquals(0.5, rates.remove(ResNetGraph.OUTPUT), 1e-9);
        assertEquals(6, rates.size(), rates.toString());   // 3 blocks x 2 convolutions, not the stem
        rates.values().forEach(rate -> assertEquals(0.1, rate, 1e-9));
        assertNull(dropRates("resnet8").get(ResNetGraph.OUTPUT));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"resnet8-fcdrop0.5", "resnet8-predrop0.2", "wrn-10-1-dropout0.3", "resnet8"})
    void trainsWithDropout(String model) {
        // (ComputationGraph.output(train=true, ...) fails inside DL4J M2.1 when a layer has dropout:
        // "workspace WS_LAYER_ACT_n is not open"; fit() and feedForward() are fine.)
        ComputationGraph net = ModelRegistry.parse(model).build(NetworkOptions.defaults());
        var data = new SyntheticImages(InputShape.CIFAR, 10, 1).batch(8, 0);
        net.fit(data);
        net.fit(data);
        org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(net.score()), model + " loss " + net.score());
    }

    @Test
    void dropoutActsInTrainingOnly() {
        ComputationGraph net = ModelRegistry.parse("resnet8-fcdrop0.5").build(NetworkOptions.defaults());
        INDArray x = new SyntheticImages(InputShape.CIFAR, 10, 1).batch(8, 0).getFeatures();
        assertEquals(net.feedForward(x, false).get(ResNetGraph.OUTPUT), net.feedForward(x, false).get(ResNetGraph.OUTPUT));
        assertNotEquals(net.feedForward(x, true).get(ResNetGraph.OUTPUT), net.feedForward(x, true).get(ResNetGraph.OUTPUT));
    }
}
