package org.resnetspark.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every JVM the project configures keeps C2 off DL4J's backward-pass loop, and says so only once. */
class JitDirectivesTest {

    @Test
    void configureKeepsC2OffTheBackpropLoopOnce() throws Exception {
        NativeRuntime.configure();
        JitDirectives.add();   // a second call adds nothing: HotSpot keeps at most 50 directives
        String directives = JitDirectives.inEffect();
        String match = "matching: " + JitDirectives.BACKPROP_LOOP + "\n";
        assertEquals(1, occurrences(directives, match), directives);
        String ours = directives.substring(directives.indexOf(match), directives.indexOf("Directive:", directives.indexOf(match)));
        String c2 = ours.substring(ours.indexOf("c2 directives:"));
        assertTrue(c2.contains(" Exclude:true "), ours);
        assertTrue(ours.substring(0, ours.indexOf("c2 directives:")).contains(" Exclude:false "), "C1 still compiles it: " + ours);
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
