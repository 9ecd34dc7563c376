package org.resnetspark.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The instruction-set flags of this machine's CPU, as Linux reports them in /proc/cpuinfo. */
public record CpuFeatures(Set<String> flags) {

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    public static CpuFeatures ofThisMachine() {
        try {
            return parse(Files.readString(CPUINFO));
        } catch (IOException | RuntimeException e) {
            // Not Linux, or cpuinfo unreadable: claim nothing, so the portable build is used.
            return new CpuFeatures(Set.of());
        }
    }

    /** Reads the first "flags" line of a /proc/cpuinfo text. */
    public static CpuFeatures parse(String cpuinfo) {
        return cpuinfo.lines()
                .filter(line -> line.startsWith("flags"))
                .findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .map(list -> new CpuFeatures(Arrays.stream(list.split("\\s+")).collect(Collectors.toUnmodifiableSet())))
                .orElse(new CpuFeatures(Set.of()));
    }

    public boolean hasAvx2() {
        return flags.contains("avx2");
    }

    /**
     * The AVX-512 subsets of Skylake-SP, which ND4J's avx512 build is compiled for (and every
     * AVX-512 server CPU since has: Intel Xeon, AMD EPYC Zen 4 and 5).
     */
    public boolean hasAvx512() {
        return flags.containsAll(Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"));
    }
}
