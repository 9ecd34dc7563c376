package org.resnetspark.runtime;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Which GPUs the prebuilt nd4j-cuda-11.6 1.0.0-M2.1 binaries can run on.
 *
 * <p>libnd4jcuda.so carries machine code (cubins) for sm_37, 50, 52, 60, 61, 70, 75, 80 and 86
 * and no PTX, so the driver cannot compile kernels for a newer GPU. CUDA runs a cubin built for
 * X.y on a device X.z with z >= y, and on nothing else. A GPU outside that set (Kepler before
 * 3.7, Hopper 9.0, Blackwell 10.x/12.x) would fail only at the first kernel launch, deep inside
 * training; this check stops the job at start-up instead.
 */
public final class CudaCompatibility {

    /** Compute capabilities with machine code in the binary, as {major, minor}. */
    static final int[][] CUBINS = {{3, 7}, {5, 0}, {5, 2}, {6, 0}, {6, 1}, {7, 0}, {7, 5}, {8, 0}, {8, 6}};

    public static final String SUPPORTED_RANGE = "3.7 to 8.x (machine code for sm_37, 50, 52, 60, 61, 70, 75, 80, 86; no PTX)";

    private CudaCompatibility() {
    }

    public static boolean canRun(GpuDevice gpu) {
        for (int[] cubin : CUBINS) {
            if (cubin[0] == gpu.major() && cubin[1] <= gpu.minor()) {
                return true;
            }
        }
        return false;
    }

    /** Throws, naming every unsupported GPU, unless all of them can run the CUDA backend. */
    public static void requireSupported(List<GpuDevice> gpus) {
        List<GpuDevice> unsupported = gpus.stream().filter(gpu -> !canRun(gpu)).toList();
        if (unsupported.isEmpty()) {
            return;
        }
        String names = unsupported.stream()
                .map(gpu -> "GPU " + gpu.index() + " '" + gpu.name() + "' (compute capability " + gpu.computeCapability() + ")")
                .collect(Collectors.joining(", "));
        throw new UnsupportedGpuException(names + " cannot run the ND4J CUDA 11.6 backend (nd4j-cuda-11.6 1.0.0-M2.1), "
                + "which supports compute capability " + SUPPORTED_RANGE + ". "
                + "Run on a GPU in that range (for example T4, V100, A100, A10, RTX 30xx), "
                + "or use the CPU build of train-job.jar (mvn -B package without -Pcuda).");
    }

    public static final class UnsupportedGpuException extends RuntimeException {
        public UnsupportedGpuException(String message) {
            super(message);
        }
    }
}
