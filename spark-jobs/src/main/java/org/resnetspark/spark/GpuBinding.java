package org.resnetspark.spark;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.resnetspark.runtime.NativeRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the thread of a training task to the GPU Spark assigned the task
 * ({@code spark.task.resource.gpu.amount=1}): ND4J then allocates and computes on that device, so
 * the tasks of an executor with several GPUs do not all land on GPU 0. Called by
 * {@link NativeRuntimePlugin} when each task starts; a no-op without a GPU resource or on the CPU
 * backend.
 *
 * <p>Spark's addresses are what the discovery script printed: nvidia-smi indices, which ignore
 * {@code CUDA_VISIBLE_DEVICES}. CUDA numbers only the visible devices, so when that variable is
 * set the CUDA device is the address's position in it.
 */
public final class GpuBinding {

    private static final Logger log = LoggerFactory.getLogger(GpuBinding.class);
    public static final String GPU = "gpu";

    private GpuBinding() {
    }

    /**
     * The CUDA device for a task holding these resources, or empty when it holds no GPU.
     *
     * @param cudaVisibleDevices the executor's {@code CUDA_VISIBLE_DEVICES}, or null
     * @throws IllegalArgumentException for an address that is no device number, or one hidden by CUDA_VISIBLE_DEVICES
     */
    public static OptionalInt deviceFor(Map<String, ResourceInformation> resources, String cudaVisibleDevices) {
        ResourceInformation gpu = resources == null ? null : resources.get(GPU);
        if (gpu == null || gpu.addresses().length == 0) {
            return OptionalInt.empty();
        }
        String address = gpu.addresses()[0].trim();   // one GPU per task; with more, the first
        int index;
        try {
            index = Integer.parseInt(address);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GPU address '" + address + "' from Spark is not a device number: the GPU "
                    + "discovery script must print nvidia-smi indices (submit-scripts/find-gpus.sh does)");
        }
        if (index < 0) {
            throw new IllegalArgumentException("GPU address " + index + " from Spark is negative");
        }
        if (cudaVisibleDevices == null || cudaVisibleDevices.isBlank()) {
            return OptionalInt.of(index);
        }
        List<String> visible = Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim).toList();
        int position = visible.indexOf(address);
        if (position < 0) {
            position = visible.indexOf(String.valueOf(index));
        }
        if (position >= 0) {
            return OptionalInt.of(position);
        }
        if (visible.stream().allMatch(v -> v.matches("\\d+"))) {
            throw new IllegalArgumentException("Spark assigned GPU " + address + " but CUDA_VISIBLE_DEVICES="
                    + cudaVisibleDevices + " hides it from this executor: let the discovery script and the "
                    + "container agree on which GPUs the executor has");
        }
        // UUIDs or MIG names: the numbering cannot be related; nvidia-smi inside the container numbers what it sees.
        return OptionalInt.of(index);
    }

    /** Binds the calling task thread to its assigned GPU; returns the device, or -1 when there is nothing to bind. */
    public static int bindTaskThread() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return -1;
        }
        OptionalInt device = deviceFor(task.resourcesJMap(), System.getenv("CUDA_VISIBLE_DEVICES"));
        if (device.isEmpty()) {
            return -1;
        }
        if (!NativeRuntime.hasCudaBackend()) {
            log.warn("Task {} was assigned GPU {} but this jar has the CPU backend: build with -Pcuda to train on GPUs",
                    task.taskAttemptId(), device.getAsInt());
            return -1;
        }
        var affinity = org.nd4j.linalg.factory.Nd4j.getAffinityManager();
        int devices = affinity.getNumberOfDevices();
        if (device.getAsInt() >= devices) {
            throw new IllegalStateException("Spark assigned GPU " + device.getAsInt() + " but ND4J sees " + devices
                    + " device(s) in this executor (CUDA_VISIBLE_DEVICES=" + System.getenv("CUDA_VISIBLE_DEVICES") + ")");
        }
        affinity.unsafeSetDevice(device.getAsInt());
        log.info("Task {} (partition {}) bound to GPU {}", task.taskAttemptId(), task.partitionId(), device.getAsInt());
        return device.getAsInt();
    }
}
