package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class GpuBindingTest {

    private static Map<String, ResourceInformation> gpus(String... addresses) {
        return Map.of("gpu", new ResourceInformation("gpu", addresses));
    }

    @Test
    void noGpuResourceBindsNothing() {
        assertTrue(GpuBinding.deviceFor(Map.of(), null).isEmpty());
        assertTrue(GpuBinding.deviceFor(null, "0,1").isEmpty());
        assertTrue(GpuBinding.deviceFor(gpus(), null).isEmpty());
        assertTrue(GpuBinding.deviceFor(Map.of("fpga", new ResourceInformation("fpga", new String[] {"3"})), null).isEmpty());
    }

    @Test
    void theAssignedAddressIsTheDeviceWhenAllGpusAreVisible() {
        assertEquals(OptionalInt.of(3), GpuBinding.deviceFor(gpus("3"), null));
        assertEquals(OptionalInt.of(1), GpuBinding.deviceFor(gpus(" 1 "), ""));
        assertEquals(OptionalInt.of(2), GpuBinding.deviceFor(gpus("2", "3"), null), "several GPUs per task: the first");
    }

    @Test
    void underCudaVisibleDevicesTheDeviceIsThePositionInTheList() {
        assertEquals(OptionalInt.of(1), GpuBinding.deviceFor(gpus("3"), "2,3"));
        assertEquals(OptionalInt.of(0), GpuBinding.deviceFor(gpus("5"), " 5 , 6"));
    }

    @Test
    void anAddressHiddenByCudaVisibleDevicesIsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> GpuBinding.deviceFor(gpus("1"), "2,3"));
        assertTrue(e.getMessage().contains("CUDA_VISIBLE_DEVICES=2,3"), e.getMessage());
    }

    @Test
    void uuidsInCudaVisibleDevicesLeaveTheAddressAsItIs() {
        assertEquals(OptionalInt.of(0), GpuBinding.deviceFor(gpus("0"), "GPU-8f2a6c1e-0b1d-4f3e-9a7c-1c2d3e4f5a6b"));
    }

    @Test
    void aNonNumericAddressIsAnErrorNamingTheDiscoveryScript() {
        var e = assertThrows(IllegalArgumentException.class, () -> GpuBinding.deviceFor(gpus("GPU-8f2a"), null));
        assertTrue(e.getMessage().contains("find-gpus.sh"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GpuBinding.deviceFor(gpus("-1"), null));
    }

    @Test
    void outsideATaskNothingIsBound() {
        assertEquals(-1, GpuBinding.bindTaskThread());
    }
}
