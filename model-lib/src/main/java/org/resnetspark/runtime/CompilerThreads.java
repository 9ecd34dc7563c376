package org.resnetspark.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Puts the JVM's JIT compiler threads at the lowest CPU priority (nice 19, Linux only).
 *
 * <p>Why: training keeps every core busy in native code, and the C2 compiler still takes a
 * quarter of a core 45 s into a run (Spark, DL4J and our Java paths; recompilations after
 * deoptimisation), so one of two training threads waits for a core and the other for it at the
 * next barrier. At nice 19 the compiler runs in the cores' idle moments instead. Two cores, Zen 3:
 * the one-process benchmark's first 25 steps 413 -> 467 images/s, `local[2]` epoch 2 411 -> 448
 * (medians of 6 alternating runs, BENCHMARKS.md). Linux lets a process lower its own threads'
 * priority without privileges; other systems keep the default.
 */
final class CompilerThreads {

    private static final int PRIO_PROCESS = 0;
    static final int NICE = 19;

    private CompilerThreads() {
    }

    /** The C library call this needs: on Linux, {@code who} may be a thread id. */
    interface LibC extends Library {
        int setpriority(int which, int who, int prio);
    }

    /** Lowers the priority of this JVM's compiler threads; returns how many it changed. */
    static int lowerPriority() {
        List<Integer> threads = find();
        if (threads.isEmpty()) {
            return 0;
        }
        LibC libc = Native.loadLibrary("c", LibC.class);
        int changed = 0;
        for (int tid : threads) {
            if (libc.setpriority(PRIO_PROCESS, tid, NICE) == 0) {
                changed++;
            }
        }
        return changed;
    }

    /** Thread ids of this JVM's compiler threads ("C1 CompilerThre", "C2 CompilerThre"), none off Linux. */
    static List<Integer> find() {
        List<Integer> found = new ArrayList<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return found;
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String name = readOrEmpty(thread.resolve("comm"));
                if (name.contains("CompilerThre")) {
                    found.add(Integer.parseInt(thread.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            return found;
        }
        return found;
    }

    /** The compiler threads' nice value as the runtime line shows it: "19", "0", or "?" when unknown. */
    static String niceness() {
        try {
            List<Integer> threads = find();
            return threads.isEmpty() ? "?" : String.valueOf(niceOf(threads.get(0)));
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** A thread's nice value (field 19 of its stat line). */
    static int niceOf(int tid) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(afterName[16]);
    }

    /** A thread that ended between listing and reading has no name. */
    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
