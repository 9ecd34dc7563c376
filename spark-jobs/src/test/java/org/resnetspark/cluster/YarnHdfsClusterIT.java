package org.resnetspark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Hadoop cluster on this machine, from Hadoop's own test clusters in this JVM: HDFS
 * (MiniDFSCluster, one DataNode) and YARN (MiniYARNCluster: a ResourceManager and two
 * NodeManagers that launch containers as separate JVMs). Its configuration goes to a
 * HADOOP_CONF_DIR, and the jobs are submitted as a user would, through {@code train.sh
 * --cluster yarn} and {@code evaluate.sh --cluster yarn} with the packaged jar and Spark's YARN
 * support from the build (no Spark installation): CIFAR-format files on HDFS in, run folders on
 * HDFS out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnHdfsClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);

    @TempDir
    static Path temp;
    static MiniDFSCluster hdfs;
    static MiniYARNCluster yarn;
    static FileSystem fs;
    static String hdfsRoot;
    static Map<String, String> env;

    @BeforeAll
    static void startCluster() throws Exception {
        // Where MiniYARNCluster keeps the NodeManagers' folders, container logs among them.
        System.setProperty("test.build.data", temp.resolve("yarn").toString());
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, temp.resolve("hdfs").toString());
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
        hdfsRoot = fs.getUri().toString();

        YarnConfiguration yarnConf = new YarnConfiguration(conf);
        yarnConf.set("fs.defaultFS", hdfsRoot);
        // Two NodeManagers of 2 cores and 5 GB each; containers are sized by Spark's settings below.
        yarnConf.setInt(YarnConfiguration.NM_PMEM_MB, 5120);
        yarnConf.setInt(YarnConfiguration.NM_VCORES, 2);
        yarnConf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        // ND4J reserves address space far beyond what it touches: YARN's memory checks would kill it.
        yarnConf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        yarnConf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        // One queue for everything (Spark's own YARN tests set the same: no capacity-scheduler.xml here).
        yarnConf.set("yarn.scheduler.capacity.root.queues", "default");
        yarnConf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        yarnConf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        yarnConf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        yarnConf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        yarnConf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        yarnConf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        yarnConf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        yarnConf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.5f);
        yarnConf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100f);
        yarn = new MiniYARNCluster("resnet-spark", 2, 1, 1);
        yarn.init(yarnConf);
        yarn.start();
        Configuration clusterConf = yarn.getConfig();
        Scripts.await(() -> !clusterConf.get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0"), Duration.ofMinutes(1),
                "the ResourceManager's address");

        Path confDir = Files.createDirectories(temp.resolve("hadoop-conf"));
        Configuration clientConf = new Configuration(clusterConf);
        // MiniDFSCluster's rack mapping is a test class that clients (hadoop-client-api) do not have.
        clientConf.unset("net.topology.node.switch.mapping.impl");
        for (String file : List.of("core-site.xml", "yarn-site.xml", "hdfs-site.xml")) {
            try (OutputStream out = Files.newOutputStream(confDir.resolve(file))) {
                clientConf.writeXml(out);
            }
        }
        env = Map.of("HADOOP_CONF_DIR", confDir.toString(), "HADOOP_USER_NAME", System.getProperty("user.name"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (yarn != null) {
            yarn.stop();
        }
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    /** train.sh/evaluate.sh on this cluster: executors of one core and 1 GB, two of them. */
    static String[] onYarn(String deployMode, String... jobArgs) {
        String javaHome = System.getProperty("java.home");
        List<String> args = new ArrayList<>(List.of("--cluster", "yarn", "--deploy-mode", deployMode,
                "--driver-memory", "1g",
                "--spark-conf", "spark.executor.instances=2", "--spark-conf", "spark.executor.cores=1",
                "--spark-conf", "spark.task.cpus=1", "--spark-conf", "spark.executorEnv.OMP_NUM_THREADS=1",
                "--spark-conf", "spark.executor.memory=1g", "--spark-conf", "spark.executor.memoryOverhead=1g",
                "--spark-conf", "spark.driver.memoryOverhead=1g",
                "--spark-conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
                "--spark-conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome));
        args.addAll(List.of(jobArgs));
        return args.toArray(String[]::new);
    }


    @Test
    @Order(1)
    void trainsInClientModeFromHdfsIntoHdfsOnTwoExecutors() throws Exception {
        Path local = temp.resolve("cifar");
        var generated = Scripts.run(Map.of(), Duration.ofMinutes(2), "run.sh", "generate-data", "--dataset", "cifar10",
                "--train", "256", "--test", "64", "--out", local.toString());
        assertEquals(0, generated.exitCode(), generated.output());
        fs.copyFromLocalFile(hadoopPath(local.toUri().toString()), hadoopPath("/data/cifar"));

        String out = hdfsRoot + "/runs/client";
        var result = Scripts.run(env, RUN_TIMEOUT, "train.sh", onYarn("client", trainArgs(hdfsRoot + "/data/cifar", out, 2)));
        assertEquals(0, result.exitCode(), result.output() + containerLogs());
        assertFinishedRun(out, 2, result.output());
        assertTrue(result.output().contains("Uploading Spark's jars"), result.output());
        assertSparkJarsFromTheArchive(result.output());
        JsonNode run = runJson(out);
        assertEquals("yarn", run.path("cluster").path("master").asText(), run.toString());

        // Two executors, each having logged the native runtime it runs. Which NodeManagers they run
        // on is YARN's choice: a 5 GB node holds two of them, and one CI run had both on nm-1.
        List<String> nodes = new ArrayList<>();
        for (Path log : containerStderrs()) {
            if (Files.readString(log).contains("NativeRuntime: Native runtime: backend=CPU")) {
                nodes.add(log.toString().replaceAll(".*logDir-(nm-\\d+).*", "$1"));
            }
        }
        assertEquals(2, nodes.size(), nodes + containerLogs());
    }

    @Test
    @Order(2)
    void evaluatesTheHdfsRunFolderOnYarn() throws Exception {
        String out = hdfsRoot + "/runs/client";
        fs.delete(hadoopPath(out + "/eval.json"), false);
        var result = Scripts.run(env, RUN_TIMEOUT, "evaluate.sh", onYarn("client", "--model-path", out));
        assertEquals(0, result.exitCode(), result.output() + containerLogs());
        assertSparkJarsFromTheArchive(result.output());
        assertFalse(result.output().contains("Uploading Spark's jars"), "uploaded once, by the first run: " + result.output());
        JsonNode written = JSON.readTree(read(out + "/eval.json"));
        assertEquals(64, written.path("images").asInt(), written.toString());
        assertEquals(10, written.path("confusion_matrix").size(), written.toString());
    }

    @Test
    @Order(3)
    void trainsInClusterModeWithTheDriverInAContainer() throws Exception {
        String out = hdfsRoot + "/runs/cluster";
        var result = Scripts.run(env, RUN_TIMEOUT, "train.sh", onYarn("cluster", trainArgs(hdfsRoot + "/data/cifar", out, 2)));
        assertEquals(0, result.exitCode(), result.output() + containerLogs());
        assertFinishedRun(out, 2, result.output());
        assertSparkJarsFromTheArchive(result.output());
        assertEquals(losses(hdfsRoot + "/runs/client"), losses(out), "the same seeded run, wherever its driver runs");
    }

    @Test
    @Order(4)
    void anExecutorKilledMidTrainingIsReplacedAndRecorded() throws Exception {
        String out = hdfsRoot + "/runs/executor-killed";
        Scripts.Result result;
        try (var training = Scripts.start(env, "train.sh", onYarn("client", trainArgs(hdfsRoot + "/data/cifar", out, 3)))) {
            Scripts.await(() -> training.output().contains("epoch 1/3") || !training.process().isAlive(),
                    RUN_TIMEOUT, "the first epoch");
            assertTrue(training.process().isAlive(), "the run ended before an executor could be killed:\n" + training.output());
            ProcessHandle executor = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains("YarnCoarseGrainedExecutorBackend"))
                    .findFirst().orElseThrow(() -> new AssertionError("no executor JVM found"));
            executor.destroyForcibly();   // SIGKILL to the container's JVM, as an out-of-memory killer would
            executor.onExit().get();
            result = training.await(RUN_TIMEOUT);
        }
        assertEquals(0, result.exitCode(), result.output() + containerLogs());
        assertTrue(result.output().matches("(?s).*ClusterEvents: Executor \\d+ lost: .*"), result.output());
        assertFinishedRun(out, 3, result.output());
        assertTrue(runJson(out).path("cluster_events").path("executors_lost").asInt() >= 1, runJson(out).toString());
    }

    /** Spark's jars came from the one archive on HDFS (spark.yarn.archive), not from an upload of this run. */
    static void assertSparkJarsFromTheArchive(String output) throws IOException {
        assertFalse(output.contains("falling back to uploading libraries"), output);
        var archives = fs.globStatus(hadoopPath(fs.getHomeDirectory() + "/.resnet-spark/spark-libs-*.zip"));
        assertEquals(1, archives.length, List.of(archives).toString());
        assertTrue(archives[0].getLen() > 100 << 20, archives[0].toString());
    }

    static String[] trainArgs(String data, String out, int epochs) {
        return new String[] {"--model", "resnet8", "--dataset", "cifar10", "--data", data, "--workers", "2",
            "--batch-per-worker", "16", "--train-size", "256", "--val-size", "32", "--train-eval-size", "64",
            "--epochs", String.valueOf(epochs), "--out", out};
    }

    static JsonNode runJson(String out) throws IOException {
        return JSON.readTree(read(out + "/run.json"));
    }

    static List<Double> losses(String out) throws IOException {
        List<Double> losses = new ArrayList<>();
        for (String line : read(out + "/metrics.jsonl").strip().split("\n")) {
            losses.add(JSON.readTree(line).path("train_loss").asDouble());
        }
        return losses;
    }

    void assertFinishedRun(String out, int epochs, String output) throws IOException {
        assertEquals(epochs, read(out + "/metrics.jsonl").strip().lines().count(), output);
        JsonNode runJson = runJson(out);
        assertEquals("finished", runJson.path("status").asText(), runJson.toString());
        assertTrue(fs.getFileStatus(hadoopPath(out + "/model.zip")).getLen() > 10_000, output);
        JsonNode eval = JSON.readTree(read(out + "/eval.json"));
        assertEquals(10, eval.path("confusion_matrix").size(), eval.toString());
    }

    /** A Hadoop path (java.nio's Path is the other one in this class). */
    static org.apache.hadoop.fs.Path hadoopPath(String uri) {
        return new org.apache.hadoop.fs.Path(uri);
    }

    static String read(String uri) throws IOException {
        try (var in = fs.open(hadoopPath(uri))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The containers' stderr files, from the NodeManagers' log folders only: YARN deletes a finished
     * application's local folders (beside them) while a walk of the whole tree may be inside them.
     */
    static List<Path> containerStderrs() throws IOException {
        List<Path> stderrs = new ArrayList<>();
        try (Stream<Path> logDirs = Files.find(temp.resolve("yarn"), 3,
                (dir, attributes) -> attributes.isDirectory() && dir.getFileName().toString().contains("-logDir-nm-"))) {
            for (Path logDir : logDirs.toList()) {
                try (Stream<Path> files = Files.walk(logDir)) {
                    files.filter(p -> p.getFileName().toString().equals("stderr")).forEach(stderrs::add);
                }
            }
        }
        return stderrs;
    }

    /** The containers' own logs (the NodeManagers keep them locally), for failure messages. */
    static String containerLogs() {
        StringBuilder all = new StringBuilder();
        try {
            for (Path file : containerStderrs()) {
                String text = Files.readString(file);
                all.append("\n--- ").append(file).append(" (end) ---\n")
                        .append(text.substring(Math.max(0, text.length() - 3000)));
            }
        } catch (IOException | UncheckedIOException e) {
            all.append("\n(container logs unreadable: ").append(e).append(')');
        }
        return all.toString();
    }
}
