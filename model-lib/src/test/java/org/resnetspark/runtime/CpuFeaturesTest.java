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
    private static final String OLD_XEON = """
            processor\t: 0
            flags\t\t: fpu vme sse sse2 ssse3 sse4_1 sse4_2 avx
            """;

    @Test
    void choosesTheAvx2BuildOnlyWhereTheCpuHasAvx2() {
        assertTrue(CpuFeatures.parse(EPYC).hasAvx2());
        assertFalse(CpuFeatures.parse(OLD_XEON).hasAvx2());
        assertFalse(CpuFeatures.parse("").hasAvx2());
        assertEquals("-onednn-avx2", NativeRuntime.nativeBuildFor(CpuFeatures.parse(EPYC)));
        assertEquals("-onednn", NativeRuntime.nativeBuildFor(CpuFeatures.parse(OLD_XEON)));
    }
}
