package org.resnetspark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassPathChecksTest {

    @Test
    void findsALibraryPresentInTwoVersions() {
        String classPath = String.join(":",
                "/m2/repository/org/scala-lang/scala-library/2.12.14/scala-library-2.12.14.jar",
                "/m2/repository/org/scala-lang/scala-library/2.12.18/scala-library-2.12.18.jar",
                "/m2/repository/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1.jar",
                "/m2/repository/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64.jar",
                "/work/main/model-lib/target/classes");
        assertEquals(List.of("org.scala-lang:scala-library -> [2.12.14, 2.12.18]"),
                ClassPathChecks.librariesWithSeveralVersions(classPath));
    }
}
