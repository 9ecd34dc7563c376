package org.resnetspark.models;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resnetspark.data.InputShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter counts against the papers, and the architectures' shape. */
class ModelSummaryTest {

    /**
     * He et al. 2015 counts every trained parameter; He et al. 2016 and Zagoruyko and Komodakis 2016
     * count weights only (their ResNet-1001 has 10.33M parameters with batch norm, 10.2M without).
     */
    @ParameterizedTest(name = "{0}: {1}M parameters ({2})")
    @CsvSource({
            "resnet20, 0.27, He 2015 Table 6, all", "resnet32, 0.46, He 2015 Table 6, all",
            "resnet44, 0.66, He 2015 Table 6, all", "resnet56, 0.85, He 2015 Table 6, all",
            "resnet110, 1.7, He 2015 Table 6, all", "resnet1202, 19.4, He 2015 Table 6, all",
            "preact110, 1.7, He 2016 Table 3, weights", "preact164, 1.7, He 2016 Table 3, weights",
            "preact1001, 10.2, He 2016 Table 3, weights",
            "resnet164, 1.7, He 2016 Table 3 (original), weights", "resnet1001, 10.2, He 2016 Table 3 (original), weights",
            "wrn-16-4, 2.7, Zagoruyko 2016 Table 1, weights", "wrn-28-10, 36.5, Zagoruyko 2016 Table 1, weights",
            "wrn-40-4, 8.9, Zagoruyko 2016 Table 4, weights", "wrn-16-8, 11.0, Zagoruyko 2016 Table 4, weights",
            "resnet18, 11.2, common CIFAR adaptation, all"})
    void matchesThePapersParameterCounts(String model, double paperMillions, String source, String counted) {
        ModelSummary summary = ModelSummary.of(model);
        long parameters = summary.trainableParameters()
                - (counted.equals("weights") ? summary.batchNormParameters() : 0);
        // Equal when rounded as the paper rounds (2 significant figures below 1M), else within 1%.
        double scale = paperMillions < 1 ? 100 : 10;
        boolean roundsToPaper = Math.round(parameters / 1e6 * scale) / scale == paperMillions;
        assertTrue(roundsToPaper || Math.abs(parameters / 1e6 - paperMillions) <= 0.01 * paperMillions,
                model + " has " + parameters + ", " + source + " says " + paperMillions + "M");
    }

    @Test
    void exactCountsOfReferenceImplementations() {
        // As printed by akamaster/pytorch_resnet_cifar10 (option A) and kuangliu/pytorch-cifar.
        assertEquals(269_722, ModelSummary.of("resnet20").trainableParameters());
        assertEquals(11_173_962, ModelSummary.of("resnet18").trainableParameters());
    }

    @Test
    void anyConfigurationIsCountedLikeTheParametersOfTheBuiltNetwork() {
        // The built network's parameter table, less the batch norm running statistics DL4J keeps there.
        for (String name : new String[] {"resnet20", "resnet20-C", "resnet164", "preact110", "wrn-16-4"}) {
            ModelSpec spec = ModelRegistry.parse(name);
            var net = spec.build(NetworkOptions.defaults());
            long built = net.paramTable().entrySet().stream()
                    .filter(e -> !e.getKey().matches(".*_(mean|var|log10stdev)"))
                    .mapToLong(e -> e.getValue().length()).sum();
            assertEquals(built, ModelSummary.trainableParameters(net.getConfiguration()), name);
            assertEquals(built, ModelSummary.of(spec).trainableParameters(), name);
        }
    }

    @Test
    void depthCountsTheWeightLayersOfTheMainPath() {
        assertEquals(20, ModelSummary.of("resnet20").weightLayers());
        assertEquals(20, ModelSummary.of("plain20").weightLayers());
        assertEquals(110, ModelSummary.of("resnet110").weightLayers());
        assertEquals(20, ModelSummary.of("resnet20-span1").weightLayers());
        assertEquals(20, ModelSummary.of("resnet20-span3").weightLayers());
        // B adds two projections; a bottleneck net's first stage projects too.
        assertEquals(22, ModelSummary.of("resnet20-B").weightLayers());
        assertEquals(164 + 3, ModelSummary.of("preact164").weightLayers());
    }

    @Test
    void plainNetsHaveTheSameParametersAsOptionAAndProjectionsAddMore() {
        long a = ModelSummary.of("resnet56").trainableParameters();
        long b = ModelSummary.of("resnet56-B").trainableParameters();
        long c = ModelSummary.of("resnet56-C").trainableParameters();
        assertEquals(a, ModelSummary.of("plain56").trainableParameters());
        // B: two 1x1 projections with BN (16->32: 512+64, 32->64: 2048+128).
        assertEquals(a + 512 + 64 + 2048 + 128, b);
        assertTrue(c > b, "C projects every block: " + c + " vs " + b);
    }

    @Test
    void variantsChangeWhatTheyShould() {
        ModelSummary resnet20 = ModelSummary.of("resnet20");
        // 5x5 filters: every branch convolution has 25/9 the weights.
        long branchWeights3 = resnet20.trainableParameters() - 432 - 32 - 650 - 2 * 16 * 6 - 2 * 32 * 6 - 2 * 64 * 6;
        long branchWeights5 = ModelSummary.of("resnet20-k5").trainableParameters() - 432 - 32 - 650
                - 2 * 16 * 6 - 2 * 32 * 6 - 2 * 64 * 6;
        assertEquals(branchWeights3 * 25, branchWeights5 * 9);
        // Width multiplier 2: about 4x the parameters.
        double ratio = ModelSummary.of("resnet20-w2").trainableParameters() / (double) resnet20.trainableParameters();
        assertTrue(ratio > 3.5 && ratio < 4.1, "w2 ratio " + ratio);
        // Dropout has no parameters; 100 classes only widen the classifier.
        assertEquals(resnet20.trainableParameters(), ModelSummary.of("wrn-16-4-dropout0.3").trainableParameters()
                - ModelSummary.of("wrn-16-4").trainableParameters() + resnet20.trainableParameters());
        assertEquals(resnet20.trainableParameters() + 90 * 65,
                ModelSummary.of(ModelRegistry.parse("resnet20", 100, InputShape.CIFAR)).trainableParameters());
    }

    @Test
    void resnet20CostsAbout41MillionMultiplyAdds() {
        long macs = ModelSummary.of("resnet20").multiplyAdds();
        // stem 27*16*32*32 + stage 1: 6*(9*16*16)*32*32 + stage 2: (9*16*32 + 5*9*32*32)*16*16
        // + stage 3: (9*32*64 + 5*9*64*64)*8*8 + classifier 64*10.
        assertEquals(442_368 + 14_155_776 + 12_976_128 + 12_976_128 + 640, macs);
    }
}
