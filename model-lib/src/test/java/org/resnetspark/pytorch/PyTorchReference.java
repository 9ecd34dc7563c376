package org.resnetspark.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch half of the tests: submit-scripts/pytorch_reference.py run by /usr/bin/python3.
 * Without PyTorch the tests fail, saying what to install; they never skip.
 */
final class PyTorchReference {

    static final Path SCRIPT = Path.of(System.getProperty("user.dir")).resolve("../submit-scripts/pytorch_reference.py")
            .normalize();

    private PyTorchReference() {
    }

    /** {@code make}: the reference module with random weights, saved both ways, images and its logits. */
    static Path make(String model, Path folder) throws Exception {
        run("make", "--model", model, "--out", folder.toString(), "--seed", "7", "--images", "4");
        return folder;
    }

    /** {@code check}: PyTorch loads {@code weights} strictly; returns its JSON line. */
    static String check(String model, Path weights, Path folder) throws Exception {
        return run("check", "--model", model, "--weights", weights.toString(), "--dir", folder.toString());
    }

    static String run(String... args) throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        List<String> command = new ArrayList<>(List.of(python, SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("Python 3 with PyTorch is needed: run submit-scripts/ensure-build-tools.sh --for-tests "
                    + "(or apt-get install python3-torch)", e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "pytorch_reference.py did not finish");
        if (out.contains("No module named 'torch'")) {
            throw new AssertionError("PyTorch is needed: run submit-scripts/ensure-build-tools.sh --for-tests "
                    + "(or apt-get install python3-torch)");
        }
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + out);
        return out.strip();
    }

    /** A file of little-endian float32s, as the script writes images and logits. */
    static float[] floats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    static void writeFloats(Path file, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Files.write(file, bytes.array());
    }
}
