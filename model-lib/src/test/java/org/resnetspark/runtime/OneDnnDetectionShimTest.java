package org.resnetspark.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.junit.jupiter.api.Test;

/**
 * The compatibility shim in src/compat/java (org.nd4j.nativeblas.Nd4jCpu) is still needed, and
 * works: the class DL4J looks up to detect oneDNN comes from this project, not from ND4J (whose
 * bindings moved), and with it DL4J finds oneDNN on the CPU backend. When an ND4J release brings
 * the class back, the first assertion fails and the shim can go.
 */
class OneDnnDetectionShimTest {

    @Test
    void dl4jFindsOneDnnThroughTheShimBecauseNd4jNoLongerHasTheClass() throws Exception {
        Class<?> looked = Class.forName("org.nd4j.nativeblas.Nd4jCpu$Environment");
        Path from = Path.of(looked.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertFalse(from.toString().contains("nd4j"), "ND4J provides the class again (" + from + "): remove the shim");
        assertTrue(from.toString().contains("model-lib"), from.toString());
        // What the shim delegates to: the binding of M2.1.
        Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment").getMethod("isUseONEDNN");

        NativeRuntime.start();
        assertTrue(BaseMKLDNNHelper.mklDnnEnabled(), "DL4J does not see oneDNN: its helpers would not run");
    }
}
