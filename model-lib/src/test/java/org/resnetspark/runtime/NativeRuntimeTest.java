package org.resnetspark.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/** The speed settings are active in this test JVM, as in every JVM the project starts. */
class NativeRuntimeTest {

    @Test
    void loadsTheNativeBuildChosenForThisCpuWithOneDnnHelpersOn() {
        String description = NativeRuntime.start();
        String build = NativeRuntime.nativeBuildForThisMachine();
        assertEquals(build, System.getProperty(NativeRuntime.PLATFORM_EXTENSION));
        assertTrue(description.contains("native-build=linux-x86_64" + build + " "), description);
        assertTrue(description.contains("layer-helpers=on"), description);
        assertTrue(description.contains("onednn=on"), description);
        assertTrue(description.contains("OMP_WAIT_POLICY=PASSIVE"), description);
        // The test JVMs set JavaCPP's memory guard (pom.xml, 10G): a value the user gives is kept.
        assertTrue(description.contains("memory-guard=10240MB"), description);
        boolean loadedFromChosenBuild = Loader.getLoadedLibraries().values().stream()
                .anyMatch(path -> path.contains("libjnind4jcpu") && path.contains("linux-x86_64" + build + "/"));
        assertTrue(loadedFromChosenBuild, "libjnind4jcpu loaded from: " + Loader.getLoadedLibraries());
    }
}
