package org.nd4j.nativeblas;

/**
 * Restores DL4J's oneDNN detection on ND4J 1.0.0-M2.1.
 *
 * <p>DL4J's {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by reflection and calls {@code isUseMKLDNN()}.
 * In M2.1 the bindings moved to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and the
 * method is {@code isUseONEDNN()}, so the lookup fails and the oneDNN convolution, batch-norm and
 * pooling helpers are never used (about 5x slower training on CPU). This class answers that lookup
 * by delegating to the real binding. Reflection keeps it compiling on the CUDA backend too, where
 * DL4J never asks.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    public static final class Environment {
        private static final String BINDING = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            try {
                Class<?> binding = Class.forName(BINDING);
                Object environment = binding.getMethod("getInstance").invoke(null);
                return (Boolean) binding.getMethod("isUseONEDNN").invoke(environment);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
