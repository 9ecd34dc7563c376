package org.resnetspark.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CudaCompatibilityTest {

    @Test
    void readsNvidiaSmiOutput() {
        List<GpuDevice> gpus = GpuDevice.parseNvidiaSmi("0, Tesla T4, 7.5\n1, NVIDIA H100 80GB HBM3, 9.0\n");
        assertEquals(List.of(new GpuDevice(0, "Tesla T4", 7, 5), new GpuDevice(1, "NVIDIA H100 80GB HBM3", 9, 0)), gpus);
    }

    @Test
    void acceptsKeplerK80ToAmpere() {
        for (String gpu : List.of("0, Tesla K80, 3.7", "0, Tesla P100-PCIE-16GB, 6.0", "0, Tesla V100-SXM2-16GB, 7.0",
                "0, NVIDIA A100-SXM4-40GB, 8.0", "0, NVIDIA A10, 8.6", "0, NVIDIA GeForce RTX 3090, 8.6")) {
            assertDoesNotThrow(() -> CudaCompatibility.requireSupported(GpuDevice.parseNvidiaSmi(gpu)), gpu);
        }
    }

    @Test
    void acceptsANewerMinorOfASupportedMajorAsCudaRunsItsCubins() {
        // sm_86 machine code runs on 8.9 (Ada: L4, RTX 40xx) by CUDA's binary compatibility rule.
        assertTrue(CudaCompatibility.canRun(new GpuDevice(0, "NVIDIA L4", 8, 9)));
        assertFalse(CudaCompatibility.canRun(new GpuDevice(0, "Tesla K40m", 3, 5)));
    }

    @Test
    void stopsOnHopperNamingTheGpuItsCapabilityAndTheRange() {
        var gpus = GpuDevice.parseNvidiaSmi("0, NVIDIA A100-SXM4-40GB, 8.0\n1, NVIDIA H100 80GB HBM3, 9.0");
        var error = assertThrows(CudaCompatibility.UnsupportedGpuException.class,
                () -> CudaCompatibility.requireSupported(gpus));
        assertTrue(error.getMessage().contains("GPU 1 'NVIDIA H100 80GB HBM3' (compute capability 9.0)"), error.getMessage());
        assertTrue(error.getMessage().contains("3.7 to 8.x"), error.getMessage());
        assertFalse(error.getMessage().contains("A100-SXM4"), "only the unsupported GPU is named: " + error.getMessage());
    }

    @Test
    void stopsOnKeplerBefore37AndOnBlackwell() {
        assertThrows(CudaCompatibility.UnsupportedGpuException.class,
                () -> CudaCompatibility.requireSupported(GpuDevice.parseNvidiaSmi("0, Tesla K40m, 3.5")));
        assertThrows(CudaCompatibility.UnsupportedGpuException.class,
                () -> CudaCompatibility.requireSupported(GpuDevice.parseNvidiaSmi("0, NVIDIA B200, 10.0")));
    }

    @Test
    void rejectsOutputItCannotRead() {
        assertThrows(IllegalArgumentException.class, () -> GpuDevice.parseNvidiaSmi("No devices were found"));
    }

    @Test
    void startUpCheckRunsNvidiaSmiAndStopsOnAnUnsupportedGpu(@TempDir Path dir) throws Exception {
        Path fakeSmi = dir.resolve("nvidia-smi");
        Files.writeString(fakeSmi, "#!/bin/sh\necho '0, NVIDIA H100 80GB HBM3, 9.0'\n");
        fakeSmi.toFile().setExecutable(true);
        var error = assertThrows(CudaCompatibility.UnsupportedGpuException.class,
                () -> NativeRuntime.checkGpus(List.of(fakeSmi.toString(), "--query-gpu=index,name,compute_cap")));
        assertTrue(error.getMessage().contains("H100"), error.getMessage());

        Files.writeString(fakeSmi, "#!/bin/sh\necho '0, Tesla T4, 7.5'\n");
        assertDoesNotThrow(() -> NativeRuntime.checkGpus(List.of(fakeSmi.toString())));
        // No nvidia-smi at all: a warning, not a failure (the driver may still be fine).
        assertDoesNotThrow(() -> NativeRuntime.checkGpus(List.of(dir.resolve("missing").toString())));
    }
}
