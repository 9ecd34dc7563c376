package org.resnetspark.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.ModelSpec;
import org.resnetspark.models.NetworkOptions;

class InPlaceUpdaterTest {

    private static final ModelSpec SPEC = ModelRegistry.parse("resnet8-B");
    /** The paper's optimiser and weight decay, so that the L2 step DL4J applies per variable is in play. */
    private static final NetworkOptions OPTIONS = NetworkOptions.defaults()
            .withUpdater(new SgdMomentum(0.1, new MapSchedule(ScheduleType.ITERATION, java.util.Map.of(0, 0.1, 2, 0.01)), 0.9, false));

    @Test
    void trainsToTheSameBitsAsDl4jsOwnUpdater() {
        ComputationGraph dl4j = new ComputationGraph(SPEC.configuration(OPTIONS));
        dl4j.init();
        ComputationGraph ours = SPEC.build(OPTIONS);
        assertInstanceOf(InPlaceUpdater.class, ours.getUpdater());
        assertFalse(dl4j.getUpdater() instanceof InPlaceUpdater);

        SyntheticImages images = new SyntheticImages(InputShape.CIFAR, 10, 7);
        for (int step = 0; step < 4; step++) {
            DataSet batch = images.batch(16, step);
            dl4j.fit(batch);
            ours.fit(batch);
        }
        assertNotEquals(SPEC.build(OPTIONS).params(), ours.params(), "the steps changed the parameters");
        INDArray flat = ours.gradient().gradient();
        assertTrue(((InPlaceUpdater) ours.getUpdater()).isNetworksOwn(flat), "the in-place path was taken");
        assertFalse(((InPlaceUpdater) ours.getUpdater()).isNetworksOwn(flat.dup()), "a copy is another gradient");
        assertArrayEquals(dl4j.params().toFloatVector(), ours.params().toFloatVector());
        assertArrayEquals(dl4j.getUpdater().getStateViewArray().toFloatVector(),
                ours.getUpdater().getStateViewArray().toFloatVector());
    }

    /** As DL4J's Spark worker starts each averaging round: a new network given parameters and updater state. */
    @Test
    void takesOverTheMomentumOfTheUpdaterItReplaces() {
        ComputationGraph dl4j = new ComputationGraph(SPEC.configuration(OPTIONS));
        dl4j.init();
        SyntheticImages images = new SyntheticImages(InputShape.CIFAR, 10, 7);
        dl4j.fit(images.batch(16, 0));
        ComputationGraph worker = new ComputationGraph(SPEC.configuration(OPTIONS));
        worker.init(dl4j.params().dup(), false);
        worker.setUpdater(new ComputationGraphUpdater(worker, dl4j.getUpdater().getStateViewArray().dup()));
        ComputationGraphUpdater before = worker.getUpdater();
        float[] velocity = before.getStateViewArray().toFloatVector();

        InPlaceUpdater.install(worker);
        InPlaceUpdater.install(worker);
        ComputationGraphUpdater after = worker.getUpdater();
        assertInstanceOf(InPlaceUpdater.class, after);
        assertSame(before.getStateViewArray(), after.getStateViewArray());
        assertArrayEquals(velocity, after.getStateViewArray().toFloatVector());

        worker.getConfiguration().setIterationCount(dl4j.getConfiguration().getIterationCount());
        dl4j.fit(images.batch(16, 1));
        worker.fit(images.batch(16, 1));
        assertArrayEquals(dl4j.params().toFloatVector(), worker.params().toFloatVector());
    }
}
