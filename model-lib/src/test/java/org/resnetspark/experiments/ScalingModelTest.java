package org.resnetspark.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingModelTest {

    private static final double GBIT_10 = 10e9;

    /** ResNet-20's 2 x 272,474 floats, 0.2 s a step of 64 images, rounds of 0.05 s + 1 ns a byte, 55,000 images. */
    private final ScalingModel resnet20 = new ScalingModel("resnet20", 2 * 272_474, 64, 0.2,
            new ScalingModel.RoundCost(0.05, 1e-9), 55_000);

    @Test
    void sparksTreeAggregateOfDepthTwoHasALevelOnlyWhereItSavesWork() {
        assertEquals(List.of(2), ScalingModel.treeFanIns(2), "two partitions go straight to the driver");
        assertEquals(List.of(4, 2), ScalingModel.treeFanIns(8), "scale 3: 8 partitions into 8 / 3 = 2 (4 inputs each), then the driver");
        assertEquals(List.of(7, 5), ScalingModel.treeFanIns(32), "scale 6: 32 into 5 (7 inputs at most), then the driver");
        assertEquals(List.of(13, 10), ScalingModel.treeFanIns(128), "scale 12: 128 into 10 (13 inputs at most), then the driver");
    }

    @Test
    void anEpochIsTheStepsPlusOneRoundPerFrequencySteps() {
        double steps = Math.ceil(55_000 / 128.0);                 // two workers of 64: 430 steps each
        double bytes = 2.0 * 4 * 272_474;
        double round = 0.05 + 1e-9 * bytes + bytes * 8 / GBIT_10 * (1 + 2);
        assertEquals(steps * 0.2 + Math.ceil(steps / 5) * round, resnet20.epochSeconds(2, 5, GBIT_10), 1e-9);
        assertEquals(Math.ceil(55_000 / 64.0) * 0.2, resnet20.singleWorkerEpochSeconds(), 1e-9);
    }

    @Test
    void efficiencyFallsWithMoreWorkersAndMoreFrequentRoundsAndRisesWithBandwidth() {
        assertTrue(resnet20.efficiency(2, 1, GBIT_10) < resnet20.efficiency(2, 20, GBIT_10));
        assertTrue(resnet20.efficiency(128, 5, GBIT_10) < resnet20.efficiency(8, 5, GBIT_10));
        assertTrue(resnet20.efficiency(32, 5, 1e9) < resnet20.efficiency(32, 5, GBIT_10));
        assertTrue(resnet20.efficiency(2, 20, GBIT_10) <= 1);
        // With free rounds, the only loss is the last step of a shard that does not divide evenly.
        var free = new ScalingModel("resnet20", 2 * 272_474, 64, 0.2, new ScalingModel.RoundCost(0, 0), 64 * 128 * 10);
        assertEquals(1.0, free.efficiency(128, 1, Double.POSITIVE_INFINITY), 1e-12);
    }

    @Test
    void aRoundMovesTheParameterVectorAndTheMomentum() {
        assertEquals(272_474 + 2_688 + 272_474, ScalingModel.floatsPerRound(272_474, 2_688));
    }

    @Test
    void theRoundCostIsTheLineThroughTwoMeasuredRounds() {
        var cost = ScalingModel.RoundCost.fit(2e6, 0.06, 292e6, 0.35);
        assertEquals(1e-9, cost.secondsPerByte(), 1e-15);
        assertEquals(0.058, cost.fixedSeconds(), 1e-12);
    }
}
