package org.resnetspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.SyntheticImages;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.NetworkOptions;

class CheckpointsTest {

    @Test
    void aFailedWriteKeepsThePreviousVersionAndLeavesNoPartialFile(@TempDir Path dir) throws IOException {
        RunFolder run = new RunFolder(dir.toUri().toString(), new Configuration());
        run.writeString("run.json", "{\"v\":1}");
        IOException error = assertThrows(IOException.class, () -> run.writeAtomically("run.json", out -> {
            out.write("{\"v\":".getBytes());
            throw new IOException("No space left on device");
        }));
        assertTrue(error.getMessage().contains("No space left on device") && error.getMessage().contains("run.json"),
                error.getMessage());
        assertEquals("{\"v\":1}", run.readString("run.json"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("run.json"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void keepsTheLastCompleteCheckpointsAndRestoresModelAndUpdater(@TempDir Path dir) throws IOException {
        RunFolder run = new RunFolder(dir.toString(), new Configuration());
        Checkpoints checkpoints = new Checkpoints(run, 2);
        ComputationGraph net = ModelRegistry.parse("resnet8").build(NetworkOptions.defaults());
        var batch = new SyntheticImages(InputShape.CIFAR, 10, 1).batch(8, 0);
        for (int epoch = 1; epoch <= 4; epoch++) {
            net.fit(batch);
            checkpoints.save(epoch, epoch * 10L, new Checkpoints.TrainerState(epoch > 1, epoch * 60.0), net, null);
        }
        assertEquals(List.of(3, 4), checkpoints.list().stream().map(Checkpoints.Checkpoint::epoch).toList());

        var latest = checkpoints.latest().orElseThrow();
        assertEquals(40L, latest.iteration());
        assertEquals(new Checkpoints.TrainerState(true, 240.0), latest.state());
        ComputationGraph restored = checkpoints.loadModel(latest);
        assertEquals(net.params(), restored.params());
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
    }

    @Test
    void aCheckpointWhoseStateWasNeverWrittenDoesNotCount(@TempDir Path dir) throws IOException {
        RunFolder run = new RunFolder(dir.toString(), new Configuration());
        Checkpoints checkpoints = new Checkpoints(run, 3);
        ComputationGraph net = ModelRegistry.parse("resnet8").build(NetworkOptions.defaults());
        checkpoints.save(1, 10, new Checkpoints.TrainerState(false, 0), net, null);
        // A crash between the model and its state: the zip exists, the JSON does not.
        Files.copy(dir.resolve("checkpoints/epoch-000001.zip"), dir.resolve("checkpoints/epoch-000002.zip"));
        assertEquals(1, checkpoints.latest().orElseThrow().epoch());
    }

    @Test
    void acceptsHadoopUrisWithOneOrTwoSlashesAndLocalPaths(@TempDir Path dir) throws IOException {
        String qualified = new RunFolder(dir.toString(), new Configuration()).root().toString();   // file:/tmp/...
        assertTrue(qualified.startsWith("file:/") && !qualified.startsWith("file://"), qualified);
        assertEquals(qualified, new RunFolder(qualified, new Configuration()).root().toString());
        assertEquals(qualified, new RunFolder(dir.toUri().toString(), new Configuration()).root().toString());
    }
}
