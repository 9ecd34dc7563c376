package org.resnetspark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resnetspark.runtime.NativeRuntime;

/** The submit scripts' options, errors and commands, the GPU discovery script and the configuration folders. */
class SubmitScriptsIT {

    static final Path CONF = Path.of("..", "cluster-conf").toAbsolutePath().normalize();

    @TempDir
    Path temp;

    static void assertFails(Scripts.Result result, String message) {
        assertEquals(2, result.exitCode(), result.output());
        assertTrue(result.output().contains(message), "expected '" + message + "' in:\n" + result.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "evaluate", "benchmark"})
    void helpListsTheLauncherOptionsThenTheJobs(String job) throws Exception {
        var result = Scripts.run(job + ".sh", "--help");
        assertEquals(0, result.exitCode(), result.output());
        for (String option : List.of("--cluster KIND", "--gpus N", "--spark-conf KEY=VALUE", "--print-command",
                "Options of '" + job + "'", "Usage: train-job.jar " + job)) {
            assertTrue(result.output().contains(option), option + " in:\n" + result.output());
        }
    }

    @Test
    void badInputIsRefusedWithAMessage() throws Exception {
        assertFails(Scripts.run("train.sh", "--cluster", "mesos"), "unknown --cluster 'mesos': use local, standalone or yarn");
        assertFails(Scripts.run("train.sh", "--cluster"), "--cluster needs a value");
        assertFails(Scripts.run("train.sh", "--cluster", "yarn", "--model", "resnet8"),
                "YARN needs HADOOP_CONF_DIR or YARN_CONF_DIR");
        assertFails(Scripts.run("train.sh", "--cluster", "standalone", "--gpus", "two"), "--gpus needs a whole number");
        assertFails(Scripts.run("train.sh", "--gpus", "1"), "in local mode the job uses the machine's GPU directly");
        assertFails(Scripts.run("evaluate.sh", "--spark-conf", "spark.executor.memory"), "--spark-conf needs KEY=VALUE");
        assertFails(Scripts.run("benchmark.sh", "--cluster", "standalone", "--master", "local[2]"),
                "--cluster standalone needs a spark://HOST:PORT master");
        assertFails(Scripts.run("train.sh", "--conf-dir", temp.toString()), "no spark-defaults.conf in the configuration folder");
        assertFails(Scripts.run("train.sh", "--deploy-mode", "cluster"), "--deploy-mode cluster needs YARN (--cluster yarn) or a Spark installation");
    }

    @Test
    void theClusterKindChoosesTheConfigurationFolderAndGpusAddOneTaskPerGpu() throws Exception {
        var result = Scripts.run("train.sh", "--print-command", "--cluster", "standalone", "--master", "spark://127.0.0.1:7177",
                "--gpus", "2", "--spark-conf", "spark.executor.cores=4", "--spark-conf", "spark.executor.memory=3g",
                "--model", "resnet8", "--out", "/tmp/a b");
        assertEquals(0, result.exitCode(), result.output());
        String out = result.output();
        assertTrue(out.contains("SPARK_CONF_DIR=" + CONF.resolve("standalone")), out);
        assertTrue(out.contains("org.apache.spark.deploy.SparkSubmit --master spark://127.0.0.1:7177 --driver-memory 4g "
                + "--conf spark.executor.resource.gpu.amount=2 --conf spark.task.resource.gpu.amount=1 "
                + "--conf spark.executor.resource.gpu.discoveryScript=" + Scripts.DIR.resolve("find-gpus.sh")
                + " --conf spark.task.cpus=2 --conf spark.executor.cores=4 --conf spark.executor.memory=3g "), out);
        assertFails(Scripts.run("train.sh", "--print-command", "--cluster", "standalone", "--gpus", "2"),
                "spark.executor.cores=1 does not share out over --gpus 2 (one task per GPU)");
        assertTrue(out.contains("train-job.jar train --model resnet8 --out /tmp/a\\ b"), out);

        // Options the launcher does not know, --dry-run of sweep included, go to the job.
        var local = Scripts.run("evaluate.sh", "--print-command", "--model-path", "runs/x", "--dry-run");
        assertEquals(0, local.exitCode(), local.output());
        assertTrue(local.output().contains("SPARK_CONF_DIR=" + CONF.resolve("local")), local.output());
        assertTrue(local.output().contains("--master local\\[\\*\\] "), local.output());
        assertTrue(local.output().contains("train-job.jar evaluate --model-path runs/x --dry-run\n"), local.output());
        // Larger heap regions for training only (see common.sh), then the user's options; on YARN the
        // bundled launcher's JVM is the driver and takes the configuration's driver options first.
        assertFalse(local.output().contains("G1HeapRegionSize"), local.output());
        var training = Scripts.run(Map.of("DRIVER_JAVA_OPTIONS", "-Xlog:gc"), Duration.ofMinutes(1),
                "train.sh", "--print-command", "--model", "resnet8");
        assertTrue(training.output().contains(" -XX:G1HeapRegionSize=16m -Xmx4g -Xlog:gc "), training.output());
        var yarn = Scripts.run(Map.of("HADOOP_CONF_DIR", temp.toString()), Duration.ofMinutes(1),
                "evaluate.sh", "--print-command", "--cluster", "yarn", "--model-path", "runs/x");
        assertTrue(yarn.output().contains(" -Dorg.bytedeco.javacpp.maxbytes=3g "), yarn.output());
    }

    @Test
    void withSparkHomeTheJobGoesThroughItsSparkSubmit() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("spark/bin"));
        Path sparkSubmit = bin.resolve("spark-submit");
        Files.writeString(sparkSubmit, "#!/bin/sh\necho \"SPARK_CONF_DIR=$SPARK_CONF_DIR\"\nfor a in \"$@\"; do echo \"[$a]\"; done\n");
        Files.setPosixFilePermissions(sparkSubmit, PosixFilePermissions.fromString("rwxr-xr-x"));
        var result = Scripts.run(Map.of("SPARK_HOME", temp.resolve("spark").toString()), Duration.ofMinutes(1),
                "benchmark.sh", "--cluster", "yarn", "--deploy-mode", "cluster", "--driver-memory", "6g",
                "--model", "resnet110", "--batch", "128");
        assertEquals(0, result.exitCode(), result.output());
        assertEquals("SPARK_CONF_DIR=" + CONF.resolve("yarn") + "\n[--master]\n[yarn]\n[--driver-memory]\n[6g]\n"
                        + "[--deploy-mode]\n[cluster]\n[" + Path.of("..", "spark-jobs", "target", "train-job.jar").toAbsolutePath().normalize()
                        + "]\n[benchmark]\n[--model]\n[resnet110]\n[--batch]\n[128]\n",
                result.output(), "no empty --driver-java-options: it would drop spark.driver.extraJavaOptions");
    }

    @Test
    void aMissingJarIsNamedWhenBuildingIsOff(@TempDir Path copy) throws Exception {
        // A checkout without a build: the scripts find everything relative to where they are.
        Path scripts = Files.createDirectories(copy.resolve("submit-scripts"));
        for (String name : List.of("common.sh", "train.sh", "ensure-build-tools.sh")) {
            Files.copy(Scripts.DIR.resolve(name), scripts.resolve(name));
        }
        Files.createDirectories(copy.resolve("cluster-conf/local"));
        Files.copy(CONF.resolve("local/spark-defaults.conf"), copy.resolve("cluster-conf/local/spark-defaults.conf"));
        var process = new ProcessBuilder("bash", scripts.resolve("train.sh").toString(), "--model", "resnet8")
                .redirectErrorStream(true);
        process.environment().put("RESNET_SPARK_NO_BUILD", "1");
        process.environment().remove("SPARK_HOME");
        Process p = process.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(2, p.waitFor(), output);
        assertTrue(output.contains(copy.resolve("spark-jobs/target/train-job.jar") + " is missing: build it with"), output);
    }

    @Test
    void standaloneClusterScriptChecksItsInput() throws Exception {
        var help = Scripts.run("standalone-cluster.sh", "--help");
        assertEquals(0, help.exitCode(), help.output());
        assertTrue(help.output().contains("start [--workers N] [--cores C] [--memory SIZE]"), help.output());
        assertFails(Scripts.run("standalone-cluster.sh", "restart"), "unknown action 'restart'");
        assertFails(Scripts.run("standalone-cluster.sh", "start", "--workers", "many"), "expected a whole number, got 'many'");
        assertFails(Scripts.run("standalone-cluster.sh", "start", "--memory", "lots"), "--memory takes a size");
        assertFails(Scripts.run("standalone-cluster.sh", "start", "--nodes", "2"), "unknown option '--nodes'");
        var status = Scripts.run(Map.of(), Duration.ofMinutes(1), "standalone-cluster.sh", "status", "--dir", temp.toString());
        assertEquals(1, status.exitCode(), status.output());
        assertTrue(status.output().contains("no cluster started from " + temp.toRealPath()), status.output());
        var stop = Scripts.run(Map.of(), Duration.ofMinutes(1), "standalone-cluster.sh", "stop", "--dir", temp.toString());
        assertEquals(0, stop.exitCode(), stop.output());
        assertTrue(stop.output().contains("No cluster processes"), stop.output());
    }

    private Scripts.Result findGpus(String fakeNvidiaSmi) throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path script = bin.resolve("nvidia-smi");
        Files.deleteIfExists(script);
        if (fakeNvidiaSmi != null) {
            Files.writeString(script, "#!/bin/sh\n" + fakeNvidiaSmi + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return Scripts.run(Map.of("PATH", bin.toString()), Duration.ofMinutes(1), "find-gpus.sh");
    }

    @Test
    void gpuDiscoveryPrintsSparksResourceJsonFromNvidiaSmi() throws Exception {
        var result = findGpus("[ \"$1 $2\" = \"--query-gpu=index --format=csv,noheader\" ] || exit 7\necho 0\necho 1\necho 3");
        assertEquals(0, result.exitCode(), result.output());
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\", \"3\"]}\n", result.output());
        ResourceInformation parsed = ResourceInformation.parseJson(result.output());   // as Spark reads it
        assertEquals("gpu", parsed.name());
        assertEquals(List.of("0", "1", "3"), List.of(parsed.addresses()));
    }

    @Test
    void gpuDiscoveryWithoutGpusOrDriverSaysSo() throws Exception {
        var none = findGpus("exit 0");
        assertEquals(0, none.exitCode(), none.output());
        assertEquals("{\"name\": \"gpu\", \"addresses\": []}\n", none.output());

        var failing = findGpus("echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'; exit 9");
        assertEquals(1, failing.exitCode(), failing.output());
        assertTrue(failing.output().contains("nvidia-smi failed") && failing.output().contains("could not communicate"), failing.output());

        var garbage = findGpus("echo 'No devices were found, or so'");
        assertEquals(1, garbage.exitCode(), garbage.output());
        assertTrue(garbage.output().contains("unexpected nvidia-smi output line"), garbage.output());

        var missing = findGpus(null);
        assertEquals(1, missing.exitCode(), missing.output());
        assertTrue(missing.output().contains("nvidia-smi not found on PATH"), missing.output());
    }

    static Properties sparkDefaults(String cluster) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(CONF.resolve(cluster).resolve("spark-defaults.conf"))) {
            properties.load(reader);   // as Spark reads it
        }
        return properties;
    }

    static long maxBytes(String extraJavaOptions, String property) {
        for (String option : extraJavaOptions.split("\\s+")) {
            if (option.startsWith("-D" + property + "=")) {
                return JavaUtils.byteStringAsBytes(option.substring(option.indexOf('=') + 1));
            }
        }
        throw new AssertionError(property + " missing from " + extraJavaOptions);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "standalone", "yarn"})
    void everyClusterKindHasACompleteConfigurationFolder(String cluster) throws Exception {
        for (String file : List.of("spark-defaults.conf", "spark-env.sh", "log4j2.properties")) {
            assertTrue(Files.isRegularFile(CONF.resolve(cluster).resolve(file)), cluster + "/" + file);
        }
        var syntax = new ProcessBuilder("bash", "-n", CONF.resolve(cluster).resolve("spark-env.sh").toString()).start();
        assertEquals(0, syntax.waitFor());
        Properties conf = sparkDefaults(cluster);
        assertEquals("org.apache.spark.serializer.KryoSerializer", conf.getProperty("spark.serializer"));
        assertEquals("org.resnetspark.spark.ArrayKryoRegistrator", conf.getProperty("spark.kryo.registrator"));
        assertEquals("0", conf.getProperty("spark.locality.wait"));
        assertEquals("org.resnetspark.spark.NativeRuntimePlugin", conf.getProperty("spark.plugins"));
        assertEquals("PASSIVE", conf.getProperty("spark.executorEnv.OMP_WAIT_POLICY"));
        assertEquals(NativeRuntime.OPENMP_SPIN_COUNT, conf.getProperty("spark.executorEnv.GOMP_SPINCOUNT"));
        // Regions that hold an averaging round's serialized parameters as ordinary objects (see the comment there).
        if (!cluster.equals("local")) {   // local mode has no executor JVMs: the launcher gives the driver its own
            String options = conf.getProperty("spark.executor.extraJavaOptions");
            assertTrue(options.contains("-XX:G1HeapRegionSize=16m"), cluster + ": " + options);
        }
        String env = Files.readString(CONF.resolve(cluster).resolve("spark-env.sh"));
        assertTrue(env.contains("export OMP_WAIT_POLICY=PASSIVE"), env);
        assertTrue(env.contains("GOMP_SPINCOUNT:-" + NativeRuntime.OPENMP_SPIN_COUNT), env);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "yarn"})
    void executorMemoryLeavesRoomForNd4jOffHeap(String cluster) throws Exception {
        Properties conf = sparkDefaults(cluster);
        String raw = Files.readString(CONF.resolve(cluster).resolve("spark-defaults.conf"));
        assertEquals(1, raw.lines().filter(l -> l.startsWith("spark.executor.extraJavaOptions")).count(),
                "one extraJavaOptions string: a second one replaces the first");
        String options = conf.getProperty("spark.executor.extraJavaOptions");
        assertTrue(options.contains("-Dorg.eclipse.deeplearning4j.helpers.disable=false"), options);
        long heap = JavaUtils.byteStringAsBytes(conf.getProperty("spark.executor.memory"));
        long maxBytes = maxBytes(options, "org.bytedeco.javacpp.maxbytes");
        long maxPhysical = maxBytes(options, "org.bytedeco.javacpp.maxphysicalbytes");
        assertTrue(maxPhysical > heap + maxBytes, "maxphysicalbytes covers the heap and ND4J's arrays: " + options);
        if (conf.containsKey("spark.executor.memoryOverhead")) {   // enforced by YARN: the container holds it all
            long container = heap + JavaUtils.byteStringAsBytes(conf.getProperty("spark.executor.memoryOverhead") + (
                    conf.getProperty("spark.executor.memoryOverhead").matches("\\d+") ? "m" : ""));
            assertTrue(container > maxPhysical, "the container outgrows JavaCPP's limit: " + conf);
        }
        String cores = conf.getProperty("spark.executor.cores");
        assertEquals(cores, conf.getProperty("spark.task.cpus"), "one training task per executor");
        assertEquals(cores, conf.getProperty("spark.executorEnv.OMP_NUM_THREADS"), "ND4J uses the executor's cores");
    }
}
