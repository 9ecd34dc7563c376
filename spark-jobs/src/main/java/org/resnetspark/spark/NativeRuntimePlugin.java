package org.resnetspark.spark;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.nd4j.linalg.factory.Nd4j;
import org.resnetspark.runtime.NativeRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link NativeRuntime} in every executor when it starts, before any task can load ND4J, so
 * executors get the same native build and helpers as the driver, and a GPU executor on an
 * unsupported GPU stops at once. On GPU executors each task is bound to the GPU Spark assigned it
 * ({@link GpuBinding}); in local mode each task thread gets its share of the cores
 * ({@link TaskThreads}). Registered through {@code spark.plugins} by {@link SparkJobs}.
 */
public final class NativeRuntimePlugin implements SparkPlugin {

    private static final Logger log = LoggerFactory.getLogger(NativeRuntimePlugin.class);

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(SparkContext sc, PluginContext context) {
                NativeRuntime.configure();
                return Map.of();
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            private int threadsPerTask;

            @Override
            public void init(PluginContext context, Map<String, String> extraConf) {
                NativeRuntime.start();
                if (Nd4j.getEnvironment().isCPU()) {
                    threadsPerTask = TaskThreads.forConf(context.conf(), Runtime.getRuntime().availableProcessors());
                    if (threadsPerTask > 0) {
                        log.info("Local mode: {} OpenMP thread(s) per task", threadsPerTask);
                    }
                }
                if (context.resources().containsKey(GpuBinding.GPU)) {
                    log.info("Executor {} GPUs: {}", context.executorID(), String.join(",", context.resources().get(GpuBinding.GPU).addresses()));
                }
            }

            @Override
            public void onTaskStart() {
                if (threadsPerTask > 0) {
                    TaskThreads.apply(threadsPerTask);
                }
                GpuBinding.bindTaskThread();
            }
        };
    }
}
