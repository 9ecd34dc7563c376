package org.resnetspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.resnetspark.data.BadInputException;

/** run.json and metrics.jsonl keep the layout earlier versions wrote, so their runs stay readable and resumable. */
class RunRecordTest {

    /** A finished run's run.json as the train job wrote it before these records, plus a field from another version. */
    private static final String EARLIER_RUN = """
            {"status":"finished","started":"2026-12-01T10:00:00Z","model":"resnet20","dataset":"synthetic",
             "data":{"uri":null,"train_size":5120},"train_images":4608,"validation_images":512,"seed":42,"workers":2,
             "batch_per_worker":64,"effective_batch":128,"averaging_frequency":5,
             "recipe":{"learning_rate":0.1,"base_rate":0.1,"momentum":0.9,"nesterov":false,"weight_decay":1.0E-4,
                       "lr_drops":[32000,48000],"max_iterations":108,"warmup":"none","warmup_epochs":0.0,
                       "linear_scaling":false},
             "command_line":"--model resnet20 --epochs 3",
             "versions":{"train_job":"0.1.0","deeplearning4j":"1.0.0-M2.1","spark":"3.5.1","java":"17.0.13"},
             "runtime":"backend=CPU","cluster":{"master":"local[2]","default_parallelism":2,"executors":1},
             "epochs":3,"iterations":108,"test_error":0.0215,"test_images":512,"parameters":272474,
             "total_seconds":70.5,"finished":"2026-12-01T10:01:15Z",
             "cluster_events":{"executors_lost":1,"tasks_failed":2,"events":[{"type":"executor_lost",
               "time":"2026-12-01T10:00:30Z","executor":"1","detail":"killed"}]},
             "wall_seconds":75.0,"a_field_of_a_later_version":[1,2]}""";

    @Test
    void aRunRecordOfAnEarlierVersionReadsWithEveryField(@TempDir Path dir) throws Exception {
        RunFolder folder = new RunFolder(dir.toString(), new Configuration());
        folder.writeString(RunFolder.RUN, EARLIER_RUN);
        RunRecord run = RunRecord.read(folder);
        assertEquals("resnet20", run.setup().model());
        assertEquals(5120, run.setup().data().trainSize());
        assertNull(run.setup().data().uri());
        assertEquals(128, run.setup().effectiveBatch());
        assertEquals(List.of(32000, 48000), run.setup().recipe().lrDrops());
        assertEquals("none", run.setup().recipe().warmup());
        assertEquals("local[2]", run.setup().cluster().master());
        assertEquals(RunRecord.Status.FINISHED, run.outcome().status());
        assertEquals(0.0215, run.outcome().testError());
        assertEquals(272474L, run.outcome().parameters());
        assertEquals("killed", run.outcome().clusterEvents().events().get(0).detail());

        // Written again, it has the same fields (less the unknown one) with the same values.
        run.write(folder);
        ObjectMapper json = new ObjectMapper();
        var earlier = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(EARLIER_RUN);
        earlier.remove("a_field_of_a_later_version");
        earlier.remove("data");   // its null uri is left out now
        var now = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(folder.readString(RunFolder.RUN));
        assertEquals(5120, now.remove("data").get("train_size").asInt());
        assertEquals(fieldNames(earlier), fieldNames(now));
        assertEquals(earlier, now);
    }

    @Test
    void aStoppedRunKeepsItsSetupAndSaysWhy(@TempDir Path dir) throws Exception {
        RunFolder folder = new RunFolder(dir.toString(), new Configuration());
        folder.writeString(RunFolder.RUN, EARLIER_RUN);
        RunRecord started = RunRecord.starting(RunRecord.read(folder).setup());
        started.stopped(RunRecord.Status.DIVERGED, "the loss is NaN", null).write(folder);
        RunRecord read = RunRecord.read(folder);
        assertEquals(started.setup(), read.setup());
        assertEquals(RunRecord.Status.DIVERGED, read.outcome().status());
        assertEquals("the loss is NaN", read.outcome().error());
        assertNull(read.outcome().testError(), "nothing measured");
        String text = folder.readString(RunFolder.RUN);
        assertTrue(text.contains("\"status\" : \"diverged\"") && !text.contains("test_error"), text);
    }

    @Test
    void aFileThatIsNotARunRecordIsNamed(@TempDir Path dir) throws Exception {
        RunFolder folder = new RunFolder(dir.toString(), new Configuration());
        folder.writeString(RunFolder.RUN, "{\"model\": ");
        BadInputException error = assertThrows(BadInputException.class, () -> RunRecord.read(folder));
        assertTrue(error.getMessage().startsWith(folder.resolve(RunFolder.RUN) + " is not a run record ("), error.getMessage());
        folder.writeString(RunFolder.RUN, "[1, 2]");
        assertThrows(BadInputException.class, () -> RunRecord.read(folder));
    }

    @Test
    void metricsLinesOfAnEarlierVersionRoundTrip(@TempDir Path dir) throws Exception {
        RunFolder folder = new RunFolder(dir.toString(), new Configuration());
        String earlier = "{\"epoch\":1,\"iteration\":36,\"learning_rate\":0.1,\"train_loss\":1.5,\"train_error\":0.57,"
                + "\"validation_error\":null,\"images_per_second\":120.5,\"seconds\":38.2,\"elapsed_seconds\":40.1,"
                + "\"effective_batch\":128}\n"
                + "{\"epoch\":2,\"iteration\":72,\"learning_rate\":0.1,\"train_loss\":0.4,\"train_error\":0.11,"
                + "\"validation_error\":0.12,\"images_per_second\":130.0,\"seconds\":35.0,\"elapsed_seconds\":75.1,"
                + "\"effective_batch\":128}\n";
        folder.writeString(RunFolder.METRICS, earlier);
        List<EpochMetrics> epochs = EpochMetrics.readAll(folder);
        assertEquals(2, epochs.size());
        assertNull(epochs.get(0).validationError());
        assertEquals(0.12, epochs.get(1).validationError());
        EpochMetrics.writeAll(folder, epochs);
        assertEquals(earlier.replace("\"validation_error\":null,", ""), folder.readString(RunFolder.METRICS));
        assertEquals(epochs, EpochMetrics.readAll(folder));
    }

    private static Set<String> fieldNames(com.fasterxml.jackson.databind.JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
