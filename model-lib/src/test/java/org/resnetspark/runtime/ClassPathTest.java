package org.resnetspark.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.resnetspark.testing.ClassPathChecks;

class ClassPathTest {

    @Test
    void everyLibraryIsPresentInOneVersionOnly() {
        assertEquals(List.of(), ClassPathChecks.librariesWithSeveralVersions());
    }

    @Test
    void logsReachLog4j() {
        assertEquals("org.apache.logging.slf4j.Log4jLoggerFactory", ClassPathChecks.slf4jBinding());
    }
}
