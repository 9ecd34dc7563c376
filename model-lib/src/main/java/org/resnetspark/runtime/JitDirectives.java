package org.resnetspark.runtime;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps HotSpot's optimising compiler (C2) off code that runs a handful of times per training step
 * or averaging round, yet took C2 seconds to compile in a run's first minute, on a core the
 * training needs (2-core AMD EPYC Zen 3, JFR's {@code jdk.Compilation} events; BENCHMARKS.md). C1
 * still compiles it, and a warmed-up run is as fast as before.
 * <ul>
 *   <li>DL4J's backward-pass loop, {@code ComputationGraph.calcBackpropGradients}: once a step, its
 *       time is in the layers it calls. C2 compiled it four times (three on-stack replacements of
 *       its loops and a normal compile, 100-117 KB of machine code, 0.8-0.9 s each). Without:
 *       ResNet-56-B's benchmark (60 + 30 steps) 154-162 -> 169-172 images/s.</li>
 *   <li>Java serialisation and Spark's iterator wrapper, {@code NextIterator}: Spark (de)serialises
 *       each task with Java's streams, twice a round, and C2 compiled them (and the whole chain of
 *       iterators under {@code NextIterator.hasNext}) in {@code local[2]}'s second epoch: 2 s of
 *       its 12. Without: ResNet-20-B epoch 2 415-420 -> 442-446 images/s.</li>
 * </ul>
 *
 * <p>Added at run time as {@code jcmd PID Compiler.directives_add} would, so every JVM that calls
 * {@link NativeRuntime#configure()} gets it (executors and a bare spark-submit included) without a
 * launcher flag. On a JVM without HotSpot's diagnostic commands it is skipped: only speed is lost.
 */
final class JitDirectives {

    private static final Logger log = LoggerFactory.getLogger(JitDirectives.class);

    /**
     * Method patterns (HotSpot's syntax) that only C1 compiles. One that names a class the JVM never
     * loads (Spark's, in a JVM without Spark) matches nothing.
     */
    static final List<String> C1_ONLY = List.of(
            "org/deeplearning4j/nn/graph/ComputationGraph.calcBackpropGradients",
            "java/io/ObjectInputStream.*",
            "java/io/ObjectOutputStream.*",
            "org/apache/spark/util/NextIterator.*");

    private static final String DIRECTIVES = "[{ match: [" + C1_ONLY.stream().map(m -> '"' + m + '"')
            .collect(Collectors.joining(", ")) + "], c2: { Exclude: true } }]";

    private static boolean added;

    private JitDirectives() {
    }

    /**
     * {@link #add()} on a daemon thread: starting the platform MBean server takes 130-140 ms, which
     * start-up need not wait for, as C2 reaches these methods only seconds into a run.
     */
    static void addInBackground() {
        Thread adding = new Thread(JitDirectives::add, "jit-directives");
        adding.setDaemon(true);
        adding.start();
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
        } catch (JMException | IOException | RuntimeException e) {
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
