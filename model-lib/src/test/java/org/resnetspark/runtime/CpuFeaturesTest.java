package org.resnetspark.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuFeaturesTest {

    private static final String EPYC = """
            processor\t: 0
            model name\t: AMD EPYC 7B13
            flags\t\t: fpu vme de pse sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2
            processor\t: 1
            flags\t\t: fpu
            """;
    private static final String ZEN5 = """
            processor\t: 0
            model name\t: AMD EPYC 9B45
            flags\t\t: fpu sse4_2 avx f16c avx2 bmi2 avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl avx512_bf16
            """;
    /** Knights Landing: AVX-512 foundation without the BW/DQ/VL subsets the avx512 build needs. */
    private static final String XEON_PHI = """
            processor\t: 0
            flags\t\t: fpu sse4_2 avx avx2 avx512f avx512pf avx512er avx512cd
            """;
    private static final String OLD_XEON = """
            processor\t: 0
            flags\t\t: fpu vme sse sse2 ssse3 sse4_1 sse4_2 avx
            """;

    @Test
    void choosesTheBestBuildTheCpuRuns() {
        assertTrue(CpuFeatures.parse(EPYC).hasAvx2());
        assertFalse(CpuFeatures.parse(OLD_XEON).hasAvx2());
        assertFalse(CpuFeatures.parse("").hasAvx2());
        assertTrue(CpuFeatures.parse(ZEN5).hasAvx512());
        assertFalse(CpuFeatures.parse(XEON_PHI).hasAvx512());
        assertEquals("-onednn-avx512", NativeRuntime.nativeBuildFor(CpuFeatures.parse(ZEN5), null));
        assertEquals("-onednn-avx2", NativeRuntime.nativeBuildFor(CpuFeatures.parse(XEON_PHI), null));
        assertEquals("-onednn-avx2", NativeRuntime.nativeBuildFor(CpuFeatures.parse(EPYC), null));
        assertEquals("-onednn", NativeRuntime.nativeBuildFor(CpuFeatures.parse(OLD_XEON), null));
    }

    @Test
    void oneDnnsIsaCapCapsTheBuildToo() {
        CpuFeatures zen5 = CpuFeatures.parse(ZEN5);
        assertEquals("-onednn-avx2", NativeRuntime.nativeBuildFor(zen5, "AVX2"));
        assertEquals("-onednn-avx2", NativeRuntime.nativeBuildFor(zen5, "avx2_vnni"));
        assertEquals("-onednn", NativeRuntime.nativeBuildFor(zen5, "SSE41"));
        assertEquals("-onednn-avx512", NativeRuntime.nativeBuildFor(zen5, "AVX512_CORE_BF16"));
        assertEquals("-onednn-avx512", NativeRuntime.nativeBuildFor(zen5, "ALL"));
        assertEquals("-onednn-avx2", NativeRuntime.nativeBuildFor(CpuFeatures.parse(EPYC), "AVX512_CORE"));
    }
}
