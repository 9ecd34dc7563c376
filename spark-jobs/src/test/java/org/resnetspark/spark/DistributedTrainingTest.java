package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.resnetspark.data.Augmentation;
import org.resnetspark.data.ImageSource;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.Normalization;
import org.resnetspark.data.SyntheticSource;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.spark.data.DistributedData;
import org.resnetspark.training.Checkpoints;
import org.resnetspark.training.RunFolder;
import org.resnetspark.training.RunRecord;
import org.resnetspark.training.TrainingRecipe;

class DistributedTrainingTest {

    private static JavaSparkContext sc;
    private static DistributedData data;

    @BeforeAll
    static void start() {
        sc = LocalSpark.start("distributed-training");
        ImageSource all = new SyntheticSource(new InputShape(3, 8, 8), 4, 3, 288);
        data = DistributedData.of(sc, "synthetic", all.range(0, 256), all.range(256, 288), 32, Normalization.Mode.PIXEL_MEAN,
                Augmentation.paper(true), 5);
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    private static DistributedTraining.Settings settings(int maxIterations, boolean resume, double lr) {
        TrainingRecipe recipe = new TrainingRecipe(lr, 0.9, false, 1e-4, List.of(10), maxIterations,
                TrainingRecipe.Warmup.NONE, 0, false);
        return new DistributedTraining.Settings(ModelRegistry.parse("resnet8", 4, new InputShape(3, 8, 8)), recipe,
                new ParameterAveraging(2, 16, 2), 11, 1, 2, 64, resume, null);
    }

    private static DistributedTraining.Result train(Path dir, DistributedTraining.Settings settings) throws Exception {
        RunFolder run = new RunFolder(dir.toString(), sc.hadoopConfiguration());
        return new DistributedTraining(sc, settings, data, run, new PrintWriter(new StringWriter())).run();
    }

    @Test
    void writesMetricsPerEpochAndCheckpointsAndStopsAtTheLastIteration(@TempDir Path dir) throws Exception {
        // 224 training images at effective batch 32: 7 global steps per epoch; 16 steps = 2 epochs + 2 steps.
        RunRecord.Trained trained = train(dir, settings(16, false, 0.05)).trained();
        List<String> lines = Files.readAllLines(dir.resolve(RunFolder.METRICS));
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("{\"epoch\":1,\"iteration\":7,\"learning_rate\":0.05,"), lines.get(0));
        assertTrue(lines.get(2).contains("\"iteration\":16,\"learning_rate\":0.005"), lines.get(2));
        for (String key : List.of("train_loss", "train_error", "validation_error", "images_per_second", "seconds", "effective_batch\":32")) {
            assertTrue(lines.get(1).contains(key), key + " missing in " + lines.get(1));
        }
        assertEquals(16L, trained.iterations());
        assertEquals(3, trained.epochs());
        assertTrue(trained.testError() >= 0 && trained.testError() <= 1, trained.toString());
        assertEquals(data.testCount(), trained.testImages());
        var kept = new Checkpoints(new RunFolder(dir.toString(), sc.hadoopConfiguration()), 2).list();
        assertEquals(List.of(2, 3), kept.stream().map(Checkpoints.Checkpoint::epoch).toList());
    }

    @Test
    void anEpochOfAFewSecondsPrintsNoProgressLines(@TempDir Path dir) throws Exception {
        StringWriter console = new StringWriter();
        new DistributedTraining(sc, settings(7, false, 0.05), data, new RunFolder(dir.toString(), sc.hadoopConfiguration()),
                new PrintWriter(console)).run();
        // Progress lines start 30 s into an epoch: this one has only its own line, then the test error.
        List<String> lines = console.toString().lines().toList();
        assertEquals(2, lines.size(), console.toString());
        assertTrue(lines.get(0).startsWith("epoch 1/1, iteration 7/7, ") && lines.get(1).startsWith("test error "),
                console.toString());
    }

    @Test
    void resumingGivesTheSameNetworkAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        ComputationGraph uninterrupted = train(dir.resolve("a"), settings(21, false, 0.05)).net();
        // Stopped after two epochs (as if the driver died), then resumed to the same end.
        train(dir.resolve("b"), settings(14, false, 0.05));
        ComputationGraph resumed = train(dir.resolve("b"), settings(21, true, 0.05)).net();

        INDArray difference = uninterrupted.params().sub(resumed.params());
        double maxDifference = difference.amaxNumber().doubleValue();
        assertTrue(maxDifference < 1e-5, "largest parameter difference " + maxDifference);
        assertEquals(uninterrupted.getUpdater().getStateViewArray().sumNumber().doubleValue(),
                resumed.getUpdater().getStateViewArray().sumNumber().doubleValue(), 1e-4);
        assertEquals(3, Files.readAllLines(dir.resolve("b").resolve(RunFolder.METRICS)).size());
    }

    @Test
    void aDamagedNewestCheckpointIsNamedAndTheOneBeforeItResumed(@TempDir Path dir) throws Exception {
        train(dir, settings(14, false, 0.05));   // checkpoints of epochs 1 and 2
        Path newest = dir.resolve(RunFolder.CHECKPOINTS).resolve("epoch-000002.zip");
        byte[] whole = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(whole, whole.length / 2));   // a disk that filled up mid-write

        StringWriter console = new StringWriter();
        new DistributedTraining(sc, settings(21, true, 0.05), data,
                new RunFolder(dir.toString(), sc.hadoopConfiguration()), new PrintWriter(console)).run();

        assertTrue(console.toString().matches("(?s)Warning: \\S*checkpoints/epoch-000002\\.zip is unreadable \\(.*\\); "
                + "resuming from the one before\n.*"), console.toString());
        assertTrue(console.toString().contains("Resuming from checkpoints/epoch-000001.zip: epoch 1, iteration 7"),
                console.toString());
        assertEquals(3, Files.readAllLines(dir.resolve(RunFolder.METRICS)).size());
    }

    @Test
    void thePaperWarmupTrainsAt001UntilTheTrainingErrorIsBelow80Percent(@TempDir Path dir) throws Exception {
        TrainingRecipe recipe = new TrainingRecipe(0.05, 0.9, false, 1e-4, List.of(), 35,
                TrainingRecipe.Warmup.PAPER, 0, false);
        var settings = new DistributedTraining.Settings(ModelRegistry.parse("resnet8", 4, new InputShape(3, 8, 8)), recipe,
                new ParameterAveraging(2, 16, 2), 11, 1, 2, 64, false, null);
        StringWriter console = new StringWriter();
        ComputationGraph net = new DistributedTraining(sc, settings, data, new RunFolder(dir.toString(), sc.hadoopConfiguration()),
                new PrintWriter(console)).run().net();
        // The workers build their network from this configuration: it must carry the new rate.
        var output = (org.deeplearning4j.nn.conf.graph.LayerVertex) net.getConfiguration().getVertices().get("output");
        var updater = ((org.deeplearning4j.nn.conf.layers.BaseLayer) output.getLayerConf().getLayer()).getIUpdater();
        assertEquals(0.05, updater.getLearningRate(30, 4), 1e-12);

        List<String> lines = Files.readAllLines(dir.resolve(RunFolder.METRICS));
        int switched = -1;
        for (int i = 0; i < lines.size(); i++) {
            double lr = Double.parseDouble(lines.get(i).replaceAll(".*\"learning_rate\":([0-9.eE-]+),.*", "$1"));
            double error = Double.parseDouble(lines.get(i).replaceAll(".*\"train_error\":([0-9.eE-]+),.*", "$1"));
            assertEquals(switched < 0 ? 0.01 : 0.05, lr, 1e-12, lines.get(i));
            if (switched < 0 && error < 0.8) {
                switched = i;
            }
        }
        assertTrue(switched >= 0 && switched < lines.size() - 1, "warmup never ended: " + lines);
        assertTrue(console.toString().contains("Warmup done at iteration " + 7 * (switched + 1)), console.toString());
    }

    @Test
    void aRunDivergingInItsFirstEpochSaysThatNoCheckpointIsLeft(@TempDir Path dir) throws Exception {
        var error = assertThrows(DistributedTraining.DivergedException.class,
                () -> train(dir, settings(70, false, 1e6)));
        assertTrue(error.getMessage().startsWith("Training diverged at epoch 1 "), error.getMessage());
        assertTrue(error.getMessage().endsWith("No checkpoint was written before it. Start again with a lower --lr "
                + "(or --warmup for very deep nets)."), error.getMessage());
    }
}
