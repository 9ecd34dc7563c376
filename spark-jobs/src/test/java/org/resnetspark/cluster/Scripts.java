package org.resnetspark.cluster;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Runs the submit-scripts as a user would: bash, a clean environment, output to a log file. */
final class Scripts {

    static final Path DIR = Path.of("..", "submit-scripts").toAbsolutePath().normalize();

    record Result(int exitCode, String output) {
    }

    /** A started script; its output goes to {@link #log}. */
    record Running(Process process, Path log) implements AutoCloseable {
        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }

        Result await(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError("did not finish within " + timeout + ":\n" + output());
            }
            return new Result(process.exitValue(), output());
        }

        /** Ends the script's process (the driver JVM: the scripts exec it) if it still runs. */
        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private Scripts() {
    }

    static Running start(Map<String, String> environment, String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", DIR.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.remove("SPARK_HOME");
        env.remove("SPARK_MASTER");
        env.remove("SPARK_CONF_DIR");
        env.remove("CUDA_VISIBLE_DEVICES");
        env.remove("HADOOP_CONF_DIR");
        env.remove("YARN_CONF_DIR");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("RESNET_SPARK_NO_BUILD", "1");   // the jar under test, never a build started by a test
        env.putAll(environment);
        File log = File.createTempFile(script.replace(".sh", "-"), ".log");
        log.deleteOnExit();
        builder.redirectOutput(log);
        return new Running(builder.start(), log.toPath());
    }

    static Result run(Map<String, String> environment, Duration timeout, String script, String... args)
            throws IOException, InterruptedException {
        return start(environment, script, args).await(timeout);
    }

    static Result run(String script, String... args) throws IOException, InterruptedException {
        return run(Map.of(), Duration.ofMinutes(2), script, args);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
