package org.resnetspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnetspark.experiments.RunSummary;

/** A run folder is named after its folder however it is given: reports label runs by that name. */
class RunFolderTest {

    @Test
    void anExistingFolderGivenAsAPathKeepsItsName(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("resnet20-seed1"));
        for (String given : new String[] {folder.toString(), folder + "/", folder.toUri().toString(), "file://" + folder}) {
            RunFolder run = new RunFolder(given, new Configuration());
            assertEquals("resnet20-seed1", run.root().getName(), given);
            assertEquals("file:" + folder, run.root().toString(), given);
        }
        new RunFolder(folder.toString(), new Configuration()).writeString(RunFolder.RUN, "{\"model\":\"resnet20\"}");
        assertEquals("resnet20-seed1", RunSummary.read(folder + "/", new Configuration()).name());
    }

    @Test
    void aBadMetricsLineIsNamedWithItsFileAndLine(@TempDir Path dir) throws Exception {
        RunFolder run = new RunFolder(dir.resolve("run").toString(), new Configuration());
        run.writeString(RunFolder.RUN, "{\"model\":\"resnet20\"}");
        run.writeString(RunFolder.METRICS, "{\"epoch\":1}\ngarbage\n");
        IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RunSummary.read(run.root().toString(), new Configuration()));
        org.junit.jupiter.api.Assertions.assertTrue(error.getMessage().startsWith(run.resolve(RunFolder.METRICS)
                + " line 2 is not a metrics record ("), error.getMessage());
    }

    @Test
    void hdfsUrisKeepTheirAuthority() {
        assertEquals("hdfs://namenode:8020/runs/a", org.resnetspark.data.HadoopFileSystems.pathOf("hdfs://namenode:8020/runs/a/").toString());
    }
}
