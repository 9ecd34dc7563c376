package org.resnetspark.runtime;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps HotSpot's optimising compiler (C2) off DL4J's backward-pass loop,
 * {@code ComputationGraph.calcBackpropGradients}, which C1 then compiles alone. The method runs once
 * a training step and spends its time in the layers it calls: its own code, even interpreted, is
 * 0.2% of a ResNet-20-B step. Yet C2 compiles it four times in a run's first minute (three
 * on-stack replacements of its loops and a normal compile, 100-117 KB of machine code, 0.8-0.9 s
 * each), on a core the training needs: ResNet-56-B's benchmark (60 + 30 steps) trained at 154-162
 * images/s with it and 169-172 without (2-core AMD EPYC Zen 3, BENCHMARKS.md).
 *
 * <p>Added at run time as {@code jcmd PID Compiler.directives_add} would, so every JVM that calls
 * {@link NativeRuntime#configure()} gets it (executors and a bare spark-submit included) without a
 * launcher flag. On a JVM without HotSpot's diagnostic commands it is skipped: only speed is lost.
 */
final class JitDirectives {

    private static final Logger log = LoggerFactory.getLogger(JitDirectives.class);

    static final String BACKPROP_LOOP = "org/deeplearning4j/nn/graph/ComputationGraph.calcBackpropGradients";
    private static final String DIRECTIVES = "[{ match: \"" + BACKPROP_LOOP + "\", c2: { Exclude: true } }]";

    private static boolean added;

    private JitDirectives() {
    }

    /** Adds the directives to this JVM's compiler, once. */
    static synchronized void add() {
        if (added) {
            return;
        }
        added = true;
        try {
            Path file = Files.createTempFile("jit-directives", ".json");
            try {
                Files.writeString(file, DIRECTIVES);
                String result = command("compilerDirectivesAdd", file.toString());
                if (!result.contains("1 compiler directives added")) {
                    log.info("JIT compiler directives refused, the first minute of training runs slower: {}", result.strip());
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (JMException | java.io.IOException | RuntimeException e) {
            log.info("JIT compiler directives not added ({}): the first minute of training runs slower", e.toString());
        }
    }

    /** The compiler directives in effect, as {@code jcmd PID Compiler.directives_print} lists them. */
    static String inEffect() throws JMException {
        return command("compilerDirectivesPrint");
    }

    private static String command(String operation, String... arguments) throws JMException {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                new Object[] {arguments}, new String[] {String[].class.getName()}));
    }
}
