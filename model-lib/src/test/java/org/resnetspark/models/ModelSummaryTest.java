package org.resnetspark.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Parameter counts against He et al. 2015, Table 6 (option A), and the architecture's shape. */
class ModelSummaryTest {

    @ParameterizedTest(name = "{0}: {1}M parameters")
    @CsvSource({"resnet20, 0.27", "resnet32, 0.46", "resnet44, 0.66", "resnet56, 0.85", "resnet110, 1.7", "resnet1202, 19.4"})
    void matchesThePapersParameterCounts(String model, double paperMillions) {
        ModelSummary summary = ModelSummary.of(model);
        // The paper rounds to two significant figures below 1M and one decimal above.
        double scale = paperMillions < 1 ? 100 : 10;
        assertEquals(paperMillions, Math.round(summary.trainableParameters() / 1e6 * scale) / scale, 1e-9,
                model + " has " + summary.trainableParameters());
    }

    @Test
    void resnet20HasTheKnownExactCountAndDepth() {
        // 269,722 trainable parameters, as the reference PyTorch implementation prints; 19 conv + 1 fc.
        ModelSummary summary = ModelSummary.of("resnet20");
        assertEquals(269_722, summary.trainableParameters());
        assertEquals(20, summary.weightLayers());
        assertEquals(20, ModelSummary.of("plain20").weightLayers());
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
    void resnet20CostsAbout41MillionMultiplyAdds() {
        long macs = ModelSummary.of("resnet20").multiplyAdds();
        // stem 27*16*32*32 + stage 1: 6*(9*16*16)*32*32 + stage 2: (9*16*32 + 5*9*32*32)*16*16
        // + stage 3: (9*32*64 + 5*9*64*64)*8*8 + classifier 64*10.
        assertEquals(442_368 + 14_155_776 + 12_976_128 + 12_976_128 + 640, macs);
    }
}
