package org.resnetspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ISchedule;

class TrainingRecipeTest {

    @Test
    void thePapersScheduleDividesBy10At32kAnd48k() {
        ISchedule schedule = TrainingRecipe.paper().schedule(128, 391);
        assertEquals(0.1, schedule.valueAt(0, 0), 1e-12);
        assertEquals(0.1, schedule.valueAt(31_999, 81), 1e-12);
        assertEquals(0.01, schedule.valueAt(32_000, 81), 1e-12);
        assertEquals(0.001, schedule.valueAt(48_000, 122), 1e-12);
        assertEquals(64_000, TrainingRecipe.paper().maxIterations());
    }

    @Test
    void linearScalingAndLinearWarmup() {
        TrainingRecipe recipe = new TrainingRecipe(0.1, 0.9, false, 1e-4, List.of(1000), 2000,
                TrainingRecipe.Warmup.LINEAR, 2, true);
        assertEquals(0.4, recipe.baseRate(512), 1e-12);
        ISchedule schedule = recipe.schedule(512, 100);   // warm up over 200 iterations
        assertEquals(0.4 / 200, schedule.valueAt(0, 0), 1e-12);
        assertEquals(0.2, schedule.valueAt(99, 0), 1e-12);
        assertEquals(0.4, schedule.valueAt(200, 2), 1e-12);
        assertEquals(0.04, schedule.valueAt(1000, 10), 1e-12);
    }

    @Test
    void thePaperWarmupRunsAt001() {
        assertEquals(0.01, TrainingRecipe.paper().warmupSchedule().valueAt(399, 1), 1e-12);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new TrainingRecipe(0, 0.9, false, 1e-4, List.of(), 10,
                TrainingRecipe.Warmup.NONE, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new TrainingRecipe(0.1, 0.9, false, 1e-4, List.of(20, 10), 30,
                TrainingRecipe.Warmup.NONE, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new TrainingRecipe(0.1, 0.9, false, 1e-4, List.of(), 30,
                TrainingRecipe.Warmup.LINEAR, 0, false));
    }
}
