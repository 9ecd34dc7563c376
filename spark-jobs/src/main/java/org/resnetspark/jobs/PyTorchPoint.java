package org.resnetspark.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.resnetspark.experiments.Sweep;

/**
 * A sweep point trained by PyTorch: submit-scripts/train-pytorch.py on this machine, writing a run
 * folder in this project's format, so that the report sets it beside ours (the parity question).
 */
final class PyTorchPoint {

    /** The train options train-pytorch.py takes, under the same names; anything else in such a point is an error. */
    static final Set<String> OPTIONS = Set.of("model", "dataset", "data", "epochs", "batch", "lr", "lr-steps", "val-size",
            "train-eval-size", "seed", "flip", "threads");

    private PyTorchPoint() {
    }

    /** The command that trains {@code point} into {@code outUri}, or an error naming what PyTorch cannot do. */
    static List<String> command(Sweep sweep, Sweep.Point point, String outUri) {
        List<String> command = new ArrayList<>(List.of(python(), script().toString()));
        for (Map.Entry<String, Object> option : sweep.options(point).entrySet()) {
            String key = option.getKey();
            Object value = option.getValue();
            if (!OPTIONS.contains(key)) {
                throw new IllegalArgumentException("point " + point.folder() + " is trained by PyTorch, which does not take '" + key
                        + "' (it takes " + new java.util.TreeSet<>(OPTIONS) + "); move '" + key + "' from base into the other points");
            }
            if (key.equals("flip")) {
                if (Boolean.FALSE.equals(value)) {
                    command.add("--no-flip");
                }
                continue;
            }
            command.add("--" + key);
            command.add(value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value));
        }
        command.add("--out");
        command.add(localPath(outUri).toString());
        return command;
    }

    /**
     * PyTorch's environment: ours without the jemalloc preload our launchers give the JVM (it made
     * CPU PyTorch 1.7x slower here: 650 against 1,100 images/s on ResNet-20, with half its time
     * in the kernel), with the OpenMP settings both sides use (compare-pytorch.sh's).
     */
    static void setEnvironment(Map<String, String> environment) {
        environment.remove("LD_PRELOAD");
        environment.put("OMP_WAIT_POLICY", "PASSIVE");
        environment.put("GOMP_SPINCOUNT", "100000");
    }

    /** Runs the command, its output lines into {@code console}; returns its exit code. */
    static int run(List<String> command, PrintWriter console) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        setEnvironment(builder.environment());
        Process process = builder.start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                console.println(line);
                console.flush();
            }
        } finally {
            // A sweep stopped by Ctrl-C or kill must not leave PyTorch training alone on the machine.
            process.destroy();
        }
        return process.waitFor();
    }

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** train-pytorch.py: in RESNET_SPARK_SCRIPTS, or in the submit-scripts/ of the project this jar was built in. */
    static Path script() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getenv("RESNET_SPARK_SCRIPTS");
        if (configured != null) {
            candidates.add(Path.of(configured));
        }
        try {
            // spark-jobs/target/train-job.jar (or target/classes): the project is two folders up.
            Path built = Path.of(PyTorchPoint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (built.getParent() != null && built.getParent().getParent() != null) {
                candidates.add(built.getParent().getParent().resolveSibling("submit-scripts"));
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // No location known: only the environment variable can say.
        }
        for (Path folder : candidates) {
            if (Files.isRegularFile(folder.resolve("train-pytorch.py"))) {
                return folder.resolve("train-pytorch.py");
            }
        }
        throw new IllegalArgumentException("PyTorch points need submit-scripts/train-pytorch.py, not found in " + candidates
                + "; set RESNET_SPARK_SCRIPTS to the project's submit-scripts folder");
    }

    /** PyTorch writes with Python's file functions: the run folder must be on this machine. */
    private static Path localPath(String uri) {
        URI parsed = URI.create(uri);
        if (parsed.getScheme() == null) {
            return Path.of(uri).toAbsolutePath();
        }
        if (!parsed.getScheme().equals("file")) {
            throw new IllegalArgumentException("PyTorch points write their run folders on this machine, not to " + uri
                    + "; give the sweep a local --out (a path or file://)");
        }
        return Path.of(parsed.getPath());
    }
}
