package org.resnetspark.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One GPU as the driver describes it: index, name and CUDA compute capability (major.minor). */
public record GpuDevice(int index, String name, int major, int minor) {

    /** The query whose output {@link #parseNvidiaSmi} reads. */
    public static final List<String> NVIDIA_SMI_QUERY =
            List.of("nvidia-smi", "--query-gpu=index,name,compute_cap", "--format=csv,noheader");

    /** Runs an nvidia-smi query (normally {@link #NVIDIA_SMI_QUERY}) and reads its answer. */
    public static List<GpuDevice> query(List<String> command) throws IOException {
        Process smi = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(smi.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!smi.waitFor(30, TimeUnit.SECONDS) || smi.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        return parseNvidiaSmi(output);
    }

    public String computeCapability() {
        return major + "." + minor;
    }

    /** Parses lines like {@code 0, NVIDIA H100 80GB HBM3, 9.0}. */
    public static List<GpuDevice> parseNvidiaSmi(String output) {
        List<GpuDevice> devices = new ArrayList<>();
        for (String line : output.strip().split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int first = line.indexOf(',');
            int last = line.lastIndexOf(',');
            if (first < 0 || last == first) {
                throw new IllegalArgumentException("Unexpected nvidia-smi line: '" + line + "'");
            }
            String[] capability = line.substring(last + 1).trim().split("\\.");
            devices.add(new GpuDevice(
                    Integer.parseInt(line.substring(0, first).trim()),
                    line.substring(first + 1, last).trim(),
                    Integer.parseInt(capability[0]),
                    capability.length > 1 ? Integer.parseInt(capability[1]) : 0));
        }
        return devices;
    }
}
