package org.resnetspark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.resnetspark.data.ImageTrees;

/**
 * A real Spark standalone cluster on loopback: one Master and two Workers from
 * standalone-cluster.sh (separate JVMs, RPC between them, executors launched by the workers),
 * and the train job submitted through {@code train.sh --cluster standalone} with the packaged jar.
 * The workers offer one fake GPU each (a fake nvidia-smi on their PATH), so GPU scheduling and the
 * discovery script run as on a GPU cluster. Then faults: a driver killed and resumed, and a worker
 * killed in the middle of training. Every run trains the same seeded resnet8 on 224 synthetic
 * images, so their per-epoch losses must agree.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    static Path temp;
    static Path clusterDir;
    static Map<String, String> env;
    static String masterUrl;
    /** train_loss by epoch of each finished run, to compare runs with and without faults. */
    static final Map<String, Map<Integer, Double>> LOSSES = new TreeMap<>();

    @BeforeAll
    static void startCluster() throws Exception {
        clusterDir = temp.resolve("cluster");
        Path fakeBin = Files.createDirectories(temp.resolve("bin"));
        Path nvidiaSmi = fakeBin.resolve("nvidia-smi");
        Files.writeString(nvidiaSmi, "#!/bin/sh\n# fake: one GPU, index 0\necho 0\n");
        Files.setPosixFilePermissions(nvidiaSmi, PosixFilePermissions.fromString("rwxr-xr-x"));
        env = Map.of("STANDALONE_DIR", clusterDir.toString(), "PATH", fakeBin + ":" + System.getenv("PATH"));
        int port = Scripts.freePort();
        var started = Scripts.run(env, Duration.ofMinutes(3), "standalone-cluster.sh", "start", "--workers", "2",
                "--cores", "1", "--memory", "2g", "--gpus", "1", "--port", String.valueOf(port), "--webui-port", "0",
                "--timeout", "120");
        assertEquals(0, started.exitCode(), started.output() + logs());
        masterUrl = "spark://127.0.0.1:" + port;
        assertTrue(started.output().contains(masterUrl), started.output());
        assertEquals(masterUrl, Files.readString(clusterDir.resolve("master-url")).trim());
        var status = Scripts.run(env, Duration.ofMinutes(1), "standalone-cluster.sh", "status");
        assertEquals(0, status.exitCode(), status.output());
        assertTrue(status.output().contains("worker-2: running"), status.output());
        String master = Files.readString(clusterDir.resolve("master.log"));
        assertTrue(master.contains("Registering worker 127.0.0.1"), master);
        for (String worker : List.of("worker-1.log", "worker-2.log")) {
            String log = Files.readString(clusterDir.resolve(worker));
            assertTrue(log.contains("find-gpus.sh") && log.contains("gpu -> [name: gpu, addresses: 0]"), log);
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (clusterDir == null) {
            return;
        }
        var stopped = Scripts.run(env, Duration.ofMinutes(2), "standalone-cluster.sh", "stop", "--timeout", "30");
        assertEquals(0, stopped.exitCode(), stopped.output());
        var status = Scripts.run(env, Duration.ofMinutes(1), "standalone-cluster.sh", "status");
        assertEquals(1, status.exitCode(), "nothing may be left running:\n" + status.output());
    }

    static String[] trainArgs(Path out, int epochs, String... extra) {
        List<String> args = new ArrayList<>(List.of("--cluster", "standalone", "--driver-memory", "2g",
                "--model", "resnet8", "--workers", "2", "--batch-per-worker", "16", "--train-size", "256",
                "--val-size", "32", "--train-eval-size", "64", "--epochs", String.valueOf(epochs), "--out", out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    @Order(1)
    void trainsOnTwoWorkersWithAGpuEachAndWritesEveryOutput() throws Exception {
        Path out = temp.resolve("run-plain");
        var result = Scripts.run(env, RUN_TIMEOUT, "train.sh", trainArgs(out, 2, "--gpus", "1"));
        assertEquals(0, result.exitCode(), result.output() + logs());
        assertFinishedRun(out, 2, result.output());
        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals(masterUrl, run.path("cluster").path("master").asText(), "found through STANDALONE_DIR/master-url");
        assertEquals(2, run.path("workers").asInt());

        // Both workers ran an executor with the cluster-conf settings, and each task got its worker's GPU.
        List<String> executorLogs = executorLogs();
        assertEquals(2, executorLogs.size(), "one executor per worker: " + executorLogs);
        for (String log : executorLogs) {
            assertTrue(log.contains("-Dorg.bytedeco.javacpp.maxbytes=2g"), log);
            assertTrue(log.contains("omp-threads=1 ") && log.contains("OMP_WAIT_POLICY=PASSIVE"), log);
            assertTrue(log.contains("onednn=on"), log);
            assertTrue(log.contains("GPUs: 0"), log);
            assertTrue(log.contains("was assigned GPU 0 but this jar has the CPU backend"), log);
        }
        LOSSES.put("plain", losses(out));
    }

    @Test
    @Order(2)
    void trainsOnAFolderOfJpegsThatTheExecutorsDecode() throws Exception {
        // JPEGs decode only with TwelveMonkeys' reader (the JDK's is refused): it must be found on the executors.
        Path data = temp.resolve("jpegs");
        List<String> classes = List.of("blue", "green", "red");
        ImageTrees.writeTree(data.resolve("train"), classes, 16, 8, 8, "jpg");
        ImageTrees.writeTree(data.resolve("test"), classes, 4, 8, 8, "jpg");
        Path out = temp.resolve("run-jpegs");
        var result = Scripts.run(env, RUN_TIMEOUT, "train.sh", "--cluster", "standalone", "--driver-memory", "2g",
                "--model", "resnet8", "--workers", "2", "--batch-per-worker", "8", "--dataset", "folder", "--data",
                data.toUri().toString(), "--val-size", "0", "--train-eval-size", "16", "--epochs", "1", "--out", out.toString());
        assertEquals(0, result.exitCode(), result.output() + logs());
        JsonNode eval = JSON.readTree(out.resolve("eval.json").toFile());
        assertEquals(12, eval.path("images").asInt(), eval.toString());
        assertEquals("[\"blue\",\"green\",\"red\"]", eval.path("class_names").toString(), "the confusion matrix's rows");
    }

    @Test
    @Order(3)
    void aKilledDriverIsSurvivedByResume() throws Exception {
        Path out = temp.resolve("run-driver-killed");
        try (var first = Scripts.start(env, "train.sh", trainArgs(out, 3))) {
            Scripts.await(() -> Files.exists(out.resolve("checkpoints/epoch-000001.json")) || !first.process().isAlive(),
                    RUN_TIMEOUT, "the first checkpoint");
            assertTrue(first.process().isAlive(), "the run ended before it could be killed:\n" + first.output());
            first.process().destroyForcibly();   // SIGKILL to the driver JVM (train.sh execs it)
            first.await(Duration.ofMinutes(1));
        }
        assertFalse(Files.exists(out.resolve("model.zip")), "killed before the end");
        assertEquals("running", JSON.readTree(out.resolve("run.json").toFile()).path("status").asText());

        var again = Scripts.run(env, RUN_TIMEOUT, "train.sh", trainArgs(out, 3));
        assertEquals(2, again.exitCode(), "a run folder with checkpoints needs --resume:\n" + again.output());
        assertTrue(again.output().contains("add --resume"), again.output());

        var resumed = Scripts.run(env, RUN_TIMEOUT, "train.sh", trainArgs(out, 3, "--resume"));
        assertEquals(0, resumed.exitCode(), resumed.output() + logs());
        assertTrue(resumed.output().contains("Resuming from"), resumed.output());
        assertFinishedRun(out, 3, resumed.output());
        LOSSES.put("driver-killed", losses(out));
        assertSameLosses();
    }

    @Test
    @Order(4)
    void aWorkerKilledMidTrainingIsSurvivedAndRecorded() throws Exception {
        Path out = temp.resolve("run-worker-killed");
        long workerPid = Long.parseLong(Files.readString(clusterDir.resolve("worker-1.pid")).trim());
        Scripts.Result result;
        try (var training = Scripts.start(env, "train.sh", trainArgs(out, 3))) {
            Scripts.await(() -> training.output().contains("epoch 1/3") || !training.process().isAlive(),
                    RUN_TIMEOUT, "the first epoch");
            assertTrue(training.process().isAlive(), "the run ended before the worker could be killed:\n" + training.output());
            var worker = ProcessHandle.of(workerPid).orElseThrow(() -> new AssertionError("worker-1 is not running"));
            assertTrue(worker.info().commandLine().orElse("").contains("org.apache.spark.deploy.worker.Worker"));
            worker.destroyForcibly();   // SIGKILL: the worker JVM dies, its executor follows it
            worker.onExit().get();
            result = training.await(RUN_TIMEOUT);
        }
        assertEquals(0, result.exitCode(), result.output() + logs());
        String output = result.output();
        // The driver's console records the loss: Spark's scheduler and the job's ClusterEvents listener.
        assertTrue(output.contains("Lost executor"), output);
        assertTrue(output.matches("(?s).*ClusterEvents: Executor \\d+ lost: .*"), output);
        assertFinishedRun(out, 3, output);
        // ... and so does the run's record.
        JsonNode events = JSON.readTree(out.resolve("run.json").toFile()).path("cluster_events");
        assertTrue(events.path("executors_lost").asInt() >= 1, events.toString());
        var status = Scripts.run(env, Duration.ofMinutes(1), "standalone-cluster.sh", "status");
        assertEquals(1, status.exitCode(), status.output());
        assertTrue(status.output().contains("worker-1: not running") && status.output().contains("worker-2: running"),
                status.output());
        LOSSES.put("worker-killed", losses(out));
        assertSameLosses();
    }

    /** A finished run folder: metrics for every epoch once, the last checkpoint, model, eval.json, run.json. */
    static void assertFinishedRun(Path out, int epochs, String output) throws IOException {
        List<JsonNode> metrics = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            if (!line.isBlank()) {
                metrics.add(JSON.readTree(line));
            }
        }
        assertEquals(epochs, metrics.size(), output);
        for (int i = 0; i < epochs; i++) {
            assertEquals(i + 1, metrics.get(i).path("epoch").asInt(), metrics.toString());
            assertEquals(7L * (i + 1), metrics.get(i).path("iteration").asLong(), "224 images / batch 32 = 7 steps per epoch");
            assertTrue(Double.isFinite(metrics.get(i).path("train_loss").asDouble()), metrics.toString());
        }
        assertTrue(Files.exists(out.resolve(String.format("checkpoints/epoch-%06d.json", epochs))), output);
        assertTrue(Files.size(out.resolve("model.zip")) > 10_000, output);
        JsonNode eval = JSON.readTree(out.resolve("eval.json").toFile());
        double accuracy = eval.path("accuracy").asDouble(-1);
        assertTrue(accuracy >= 0 && accuracy <= 1, eval.toString());
        assertEquals(10, eval.path("confusion_matrix").size(), eval.toString());
        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals("finished", run.path("status").asText(), run.toString());
        assertEquals(epochs * 7L, run.path("iterations").asLong(), run.toString());
        assertTrue(run.path("cluster").path("master").asText().startsWith("spark://127.0.0.1:"), run.toString());
    }

    static Map<Integer, Double> losses(Path out) throws IOException {
        Map<Integer, Double> losses = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            if (!line.isBlank()) {
                JsonNode metric = JSON.readTree(line);
                losses.put(metric.path("epoch").asInt(), metric.path("train_loss").asDouble());
            }
        }
        return losses;
    }

    /** Seeded data, shuffling and weights: a lost worker or driver must not change what is learned. */
    static void assertSameLosses() {
        var runs = new ArrayList<>(LOSSES.entrySet());
        for (int i = 1; i < runs.size(); i++) {
            var a = runs.get(0);
            var b = runs.get(i);
            for (var epoch : b.getValue().keySet()) {
                if (a.getValue().containsKey(epoch)) {
                    double expected = a.getValue().get(epoch);
                    assertEquals(expected, b.getValue().get(epoch), 1e-4 * Math.abs(expected),
                            "train loss of epoch " + epoch + ", " + a.getKey() + " vs " + b.getKey() + ": " + LOSSES);
                }
            }
        }
    }

    static List<String> executorLogs() throws IOException {
        try (Stream<Path> files = Files.walk(clusterDir)) {
            return files.filter(p -> p.getFileName().toString().equals("stderr") && p.toString().contains("/work-"))
                    .map(p -> {
                        try {
                            return Files.readString(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }

    /** The cluster's own logs, for failure messages. */
    static String logs() {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(clusterDir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".log") || p.getFileName().toString().equals("stderr")).toList()) {
                String text = Files.readString(file);
                all.append("\n--- ").append(file).append(" (end) ---\n")
                        .append(text.substring(Math.max(0, text.length() - 3000)));
            }
        } catch (IOException e) {
            all.append("\n(cluster logs unreadable: ").append(e).append(')');
        }
        return all.toString();
    }
}
