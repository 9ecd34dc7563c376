package org.resnetspark.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every JVM the project configures leaves the listed methods to C1, with one directive however often it is asked. */
class JitDirectivesTest {

    @Test
    void configureLeavesTheListedMethodsToC1Once() throws Exception {
        NativeRuntime.configure();
        JitDirectives.add();   // a second call adds nothing: HotSpot keeps at most 50 directives
        // jcmd's listing: "Directive:", " matching: A, B, ...", " c1 directives:", "  ... Exclude:false ...", " c2 directives:", ...
        List<String> ours = Arrays.stream(JitDirectives.inEffect().split("Directive:"))
                .filter(block -> block.contains(JitDirectives.C1_ONLY.get(0)))
                .toList();
        assertEquals(1, ours.size(), "one directive for the listed methods: " + ours);
        String block = ours.get(0);
        String matching = block.lines().filter(line -> line.strip().startsWith("matching:")).findFirst().orElseThrow();
        for (String method : JitDirectives.C1_ONLY) {
            assertTrue(matching.contains(method), method + " in " + matching);
        }
        int c2 = block.indexOf("c2 directives:");
        assertTrue(c2 > 0 && block.substring(c2).contains(" Exclude:true "), "C2 excludes them: " + block);
        assertTrue(block.substring(0, c2).contains(" Exclude:false "), "C1 still compiles them: " + block);
    }
}
