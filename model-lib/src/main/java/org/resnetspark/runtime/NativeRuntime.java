package org.resnetspark.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up ND4J's native backend for speed, in every JVM the project starts (command line,
 * executors, tests). It must run before ND4J loads its native library; {@link #configure()} is
 * cheap and idempotent, so every entry point calls it first.
 *
 * <p>What it does, and why (measured on a 2-core AVX2 machine, ResNet-20 at batch 128):
 * <ul>
 *   <li>CPU: chooses ND4J's oneDNN native build for the CPU: AVX-512, AVX2, or the portable one
 *       (JavaCPP otherwise loads the plain build, which has no oneDNN). {@code DNNL_MAX_CPU_ISA},
 *       which caps oneDNN's kernels, caps the build too, so that {@code DNNL_MAX_CPU_ISA=AVX2} on an
 *       AVX-512 machine runs as an AVX2 machine would.</li>
 *   <li>Turns DL4J's layer helpers on: M2.1 disables them unless
 *       {@code org.eclipse.deeplearning4j.helpers.disable=false}. With the oneDNN detection
 *       restored ({@link org.nd4j.nativeblas.Nd4jCpu}) convolution, batch norm and pooling run
 *       in oneDNN instead of im2col plus strided copies: about 10x.</li>
 *   <li>CUDA: refuses a GPU the prebuilt binaries cannot run ({@link CudaCompatibility}).</li>
 *   <li>Checks {@code OMP_WAIT_POLICY=PASSIVE}: an environment variable, read when the OpenMP
 *       runtime loads, so the launchers set it; here a missing one is reported. Likewise jemalloc,
 *       which the launchers preload when installed: glibc's malloc keeps the large blocks native
 *       operations free every step in fragmented arenas, about 2x the resident memory.</li>
 *   <li>Turns JavaCPP's guard on the process's resident memory off unless it is set
 *       ({@value #MAX_PHYSICAL_BYTES}): the guard reads {@code /proc/self/statm} at every native
 *       allocation, and ND4J makes one for every array's shape, about 4,400 in a plain-20 step:
 *       2.5-5% of the training thread's time (AMD EPYC Zen 5, BENCHMARKS.md). Memory stays bounded by the heap,
 *       JavaCPP's {@code maxbytes} and the machine; cluster-conf sets the guard on executors,
 *       where a container's limit is better met by a GC than by a kill.</li>
 *   <li>Leaves code that runs a few times a step or averaging round to the JIT's C1 compiler
 *       ({@link JitDirectives}): C2 spent seconds of a core on it in a run's first minute.</li>
 *   <li>CPU, once ND4J is loaded ({@link #start()}): one OpenBLAS thread. Only small products
 *       (the classifier, per-channel sums) use BLAS; with two BLAS threads the caller waits for
 *       the other by spinning in {@code sched_yield}, which took 13% of a step.</li>
 * </ul>
 */
public final class NativeRuntime {

    private static final Logger log = LoggerFactory.getLogger(NativeRuntime.class);

    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    public static final String AVX512_BUILD = "-onednn-avx512";
    public static final String AVX2_BUILD = "-onednn-avx2";
    public static final String PORTABLE_BUILD = "-onednn";

    /**
     * Rounds an idle OpenMP thread spins before it sleeps (libgomp's GOMP_SPINCOUNT, set by the
     * launchers beside OMP_WAIT_POLICY=PASSIVE): a millisecond or so, so that the next oneDNN
     * primitive finds it awake. PASSIVE alone sleeps at once: ResNet-20 8% slower on 2 cores.
     */
    public static final String OPENMP_SPIN_COUNT = "100000";

    /** JavaCPP's limit on the process's resident size (bytes, or with k/m/g), read when it loads; 0: no check. */
    public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxphysicalbytes";

    /** oneDNN's cap on the instruction set its kernels use, read when it loads. */
    public static final String ISA_CAP = "DNNL_MAX_CPU_ISA";

    private static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    /** Preloading happens before the JVM starts, so one look at the process's libraries is enough. */
    private static final boolean JEMALLOC = jemallocLoaded();

    private static volatile boolean configured;

    private NativeRuntime() {
    }

    /** Call before anything touches ND4J. Throws if the GPU cannot run the CUDA backend. */
    public static synchronized void configure() {
        if (configured) {
            return;
        }
        setIfAbsent(HELPERS_DISABLE, "false");
        JitDirectives.addInBackground();
        // JavaCPP also reads the property spelt maxPhysicalBytes; either one set by the user is kept.
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) {
            setIfAbsent(MAX_PHYSICAL_BYTES, "0");
        }
        if (hasCudaBackend()) {
            checkGpus(GpuDevice.NVIDIA_SMI_QUERY);
        } else if (isOnClassPath(CPU_BACKEND)) {
            setIfAbsent(PLATFORM_EXTENSION, nativeBuildForThisMachine());
        }
        if (!"PASSIVE".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY"))) {
            log.warn("OMP_WAIT_POLICY is not PASSIVE: idle OpenMP threads will spin and slow training down "
                    + "(2.4x on 2 cores). Start through submit-scripts/ or set OMP_WAIT_POLICY=PASSIVE.");
        }
        configured = true;
    }

    /**
     * The JavaCPP platform extension of the native build to load on a CPU with these features,
     * under oneDNN's ISA cap (the value of {@code DNNL_MAX_CPU_ISA}, or null).
     */
    public static String nativeBuildFor(CpuFeatures cpu, String isaCap) {
        String cap = isaCap == null ? "ALL" : isaCap.trim().toUpperCase(java.util.Locale.ROOT);
        boolean avx512Allowed = cap.equals("ALL") || cap.startsWith("AVX512_CORE");
        boolean avx2Allowed = avx512Allowed || cap.startsWith("AVX2");
        if (cpu.hasAvx512() && avx512Allowed) {
            return AVX512_BUILD;
        }
        return cpu.hasAvx2() && avx2Allowed ? AVX2_BUILD : PORTABLE_BUILD;
    }

    /** The native build chosen for this machine and environment. */
    public static String nativeBuildForThisMachine() {
        return nativeBuildFor(CpuFeatures.ofThisMachine(), System.getenv(ISA_CAP));
    }

    /** One line saying which backend, native build and helpers are active; loads ND4J. */
    public static String describe() {
        configure();
        var environment = org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = environment.getProperty("backend", "?");
        String build = "CPU".equalsIgnoreCase(backend)
                ? "linux-x86_64" + System.getProperty(PLATFORM_EXTENSION, "")
                : "cuda";
        boolean helpers = !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE, "true"));
        boolean onednn = "CPU".equalsIgnoreCase(backend)
                && org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled();
        return "backend=" + backend
                + " native-build=" + build
                + " layer-helpers=" + (helpers ? "on" : "off")
                + " onednn=" + (onednn ? "on" : "off")
                + " omp-threads=" + environment.getOrDefault("omp.threads", "?")
                + " blas-threads=" + environment.getOrDefault("blas.threads", "?")
                + " malloc=" + (JEMALLOC ? "jemalloc" : "glibc")
                + " memory-guard=" + memoryGuard(org.bytedeco.javacpp.Pointer.maxPhysicalBytes())
                + " OMP_WAIT_POLICY=" + System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset")
                + " GOMP_SPINCOUNT=" + System.getenv().getOrDefault("GOMP_SPINCOUNT", "unset")
                + (System.getenv(ISA_CAP) != null ? " " + ISA_CAP + "=" + System.getenv(ISA_CAP) : "");
    }

    /** JavaCPP's limit on the resident size as the runtime line shows it: "off", or in MB. */
    static String memoryGuard(long maxPhysicalBytes) {
        return maxPhysicalBytes > 0 ? (maxPhysicalBytes >> 20) + "MB" : "off";
    }

    /** Configures, loads ND4J and logs {@link #describe()}; returns that line. */
    public static String start() {
        configure();
        if (org.nd4j.linalg.factory.Nd4j.getEnvironment().isCPU()) {
            org.nd4j.linalg.factory.Nd4j.factory().blas().setMaxThreads(1);
        }
        String description = describe();
        log.info("Native runtime: {}", description);
        if (!JEMALLOC) {
            log.warn("glibc malloc: ND4J's native memory will grow to about 2x what jemalloc needs. Install jemalloc "
                    + "(Debian/Ubuntu: libjemalloc2); cluster-conf/*/spark-env.sh preload it when present.");
        }
        return description;
    }

    /** Stops with {@link CudaCompatibility.UnsupportedGpuException} if nvidia-smi lists a GPU the backend cannot run. */
    static void checkGpus(List<String> nvidiaSmiQuery) {
        List<GpuDevice> gpus;
        try {
            gpus = GpuDevice.query(nvidiaSmiQuery);
        } catch (IOException e) {
            log.warn("GPU compute capability not checked: {}", e.getMessage());
            return;
        }
        CudaCompatibility.requireSupported(gpus);
        log.info("GPUs: {}", gpus);
    }

    /** Whether this jar carries ND4J's CUDA backend (built with -Pcuda). */
    public static boolean hasCudaBackend() {
        return isOnClassPath(CUDA_BACKEND);
    }

    /** Whether jemalloc is loaded into this process (the launchers preload it, see spark-env.sh). */
    private static boolean jemallocLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libjemalloc");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static boolean isOnClassPath(String className) {
        try {
            Class.forName(className, false, NativeRuntime.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
