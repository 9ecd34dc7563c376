package org.resnetspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resnetspark.data.ImageTrees;

/**
 * The packaged train-job.jar through submit-scripts/run.sh, as a user without a Spark
 * installation runs it: Spark's own launcher on the bundled Spark jars, in local mode.
 * Runs after the package phase (mvn verify), so the shaded jar itself is what is tested.
 */
class RunScriptIT {

    private static final Path RUN_SH = Path.of("..", "submit-scripts", "run.sh").toAbsolutePath().normalize();

    record Result(int exitCode, String output) {
    }

    static Result runSh(String... args) throws IOException, InterruptedException {
        return runShWith("", args);
    }

    static Result runShWith(String driverJavaOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", RUN_SH.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("SPARK_HOME");
        builder.environment().put("RESNET_SPARK_NO_BUILD", "1");   // test the packaged jar; never rebuild it under other tests
        builder.environment().put("SPARK_MASTER", "local[2]");
        builder.environment().put("DRIVER_MEMORY", "2g");
        builder.environment().put("DRIVER_JAVA_OPTIONS", driverJavaOptions);
        File log = File.createTempFile("run-sh", ".log");
        builder.redirectOutput(log);
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("run.sh " + String.join(" ", args) + " did not finish: " + Files.readString(log.toPath()));
        }
        return new Result(process.exitValue(), Files.readString(log.toPath(), StandardCharsets.UTF_8));
    }

    /**
     * Ctrl-C and kill (SIGINT, SIGTERM) mark the run interrupted with how to continue, and exit as
     * the JVM does on that signal; SIGKILL cannot be caught, but must not leave a copy of the
     * 373 MB jar in Spark's local folder (local mode used to copy it there for every run).
     */
    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM", "KILL"})
    void aSignalLeavesTheRunMarkedInterruptedWithHowToContinueAndNoJarCopy(String signal, @TempDir Path dir)
            throws Exception {
        Path run = dir.resolve("run");
        Path log = dir.resolve("train.log");
        Path sparkLocal = Files.createDirectories(dir.resolve("spark-local"));
        // A job started in the background by a script (as CI runs these tests) inherits SIGINT ignored,
        // and the JVM then keeps ignoring it; a terminal's Ctrl-C finds it at its default, as here.
        ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT", "bash", RUN_SH.toString(), "train",
                "--model", "resnet8", "--train-size", "2048", "--train-eval-size", "64", "--val-size", "0", "--epochs", "50",
                "--out", run.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("SPARK_HOME");
        builder.environment().put("RESNET_SPARK_NO_BUILD", "1");
        builder.environment().put("SPARK_MASTER", "local[2]");
        builder.environment().put("DRIVER_MEMORY", "2g");
        builder.environment().put("SPARK_LOCAL_DIRS", sparkLocal.toString());
        Process process = builder.start();   // run.sh execs the JVM: this is the driver's PID
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.readString(log).contains("epoch 1/50") && System.nanoTime() < deadline && process.isAlive()) {
            Thread.sleep(500);
        }
        assertTrue(Files.readString(log).contains("epoch 1/50"), Files.readString(log));
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor());
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the driver did not stop");

        try (var files = Files.walk(sparkLocal)) {
            List<Path> jars = files.filter(f -> f.toString().endsWith(".jar")).toList();
            assertEquals(List.of(), jars, "Spark's local folder must hold no copy of the jar");
        }
        if (signal.equals("KILL")) {
            return;
        }
        assertEquals(signal.equals("INT") ? 130 : 143, process.exitValue());
        String output = Files.readString(log);
        assertTrue(output.contains("Interrupted: ") && output.contains("keeps its checkpoints; run the same command with "
                + "--resume to continue."), output);
        String runJson = Files.readString(run.resolve("run.json"));
        assertTrue(runJson.matches("(?s).*\"status\" ?: ?\"interrupted\".*"), runJson);
    }

    @Test
    void modelsPrintsTheTable() throws Exception {
        Result result = runSh("models");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().matches("(?s).*resnet110 +110 +1\\.73M.*"), result.output());
    }

    @Test
    void helpListsTheSubcommands() throws Exception {
        Result result = runSh("--help");
        assertEquals(0, result.exitCode(), result.output());
        for (String subcommand : List.of("models", "benchmark", "train", "SPARK_MASTER")) {
            assertTrue(result.output().contains(subcommand), result.output());
        }
    }

    @Test
    void thePortableNativeBuildForCpusWithoutAvx2WorksToo() throws Exception {
        Result result = runShWith("-Dorg.bytedeco.javacpp.platform.extension=-onednn",
                "benchmark", "--model", "resnet8", "--batch", "8", "--warmup-steps", "1", "--iterations", "1", "--json");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("native-build=linux-x86_64-onednn onednn=on")
                || result.output().contains("native-build=linux-x86_64-onednn layer-helpers=on onednn=on"), result.output());
    }

    @Test
    void trainsOnTwoLocalWorkersAndWritesTheModel(@TempDir Path out) throws Exception {
        // 1,000 images (3 MB): more than one task could carry without Spark's "task of very large size" warning.
        Result result = runSh("train", "--model", "resnet8", "--workers", "2", "--batch-per-worker", "32",
                "--train-size", "1000", "--epochs", "1", "--out", out.toUri().toString());
        assertEquals(0, result.exitCode(), result.output());
        assertFalse(result.output().contains("very large size"), "the executors read the images: " + result.output());
        assertTrue(result.output().contains("native-build=linux-x86_64-onednn"), result.output());
        assertTrue(result.output().contains("onednn=on"), result.output());
        // Not given one, a run leaves JavaCPP's per-allocation memory check off (NativeRuntime).
        assertTrue(result.output().contains("memory-guard=off"), result.output());
        assertTrue(Files.size(out.resolve("model.zip")) > 10_000, result.output());
    }

    @Test
    void readsImageFoldersWithTheJpegReaderTheJarRegisters(@TempDir Path dir) throws Exception {
        // ImageIO finds TwelveMonkeys' JPEG reader through META-INF/services, which the shade must merge.
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Path.of("target", "train-job.jar").toFile())) {
            String readers = new String(jar.getInputStream(jar.getEntry("META-INF/services/javax.imageio.spi.ImageReaderSpi"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(readers.contains("com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi"), readers);
        }
        Path data = dir.resolve("images");
        ImageTrees.writeTree(data.resolve("train"), List.of("a", "b"), 12, 16, 16, "jpg");
        ImageTrees.writeTree(data.resolve("test"), List.of("a", "b"), 2, 16, 16, "jpg");
        Result result = runSh("train", "--model", "resnet8", "--dataset", "folder", "--data", data.toString(), "--workers", "2",
                "--batch", "8", "--epochs", "1", "--val-size", "4", "--out", dir.resolve("run").toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("found 24 training and 4 test images"), result.output());
        assertTrue(result.output().contains("test error"), result.output());
    }
}
