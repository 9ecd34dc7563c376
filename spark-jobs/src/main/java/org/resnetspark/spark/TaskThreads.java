package org.resnetspark.spark;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.apache.spark.SparkConf;

/**
 * OpenMP threads per task in Spark local mode, where every task runs in the one JVM. ND4J's
 * operations (and oneDNN's) start as many OpenMP threads as the machine has cores, so N concurrent
 * tasks on N cores would run N*N threads: local[2] with two workers trained 0.86x as fast as one
 * process, and 1.2x with one thread per task. OpenMP's thread count is per calling thread, so each
 * task thread sets its own, through the libgomp that ND4J loaded. Clusters are left alone: there
 * OMP_NUM_THREADS in each executor's environment says it (cluster-conf).
 */
final class TaskThreads {

    /** The part of libgomp this needs. */
    interface OpenMp extends Library {
        void omp_set_num_threads(int threads);

        int omp_get_max_threads();
    }

    private TaskThreads() {
    }

    /**
     * OpenMP threads each task should use, or 0 to leave the default: in local mode the cores
     * divided among the task slots ({@code local[N]}, {@code local[*]}) or spark.task.cpus if set.
     */
    static int forConf(SparkConf conf, int cores) {
        String master = conf.get("spark.master", "");
        if (!master.startsWith("local")) {
            return 0;
        }
        if (conf.contains("spark.task.cpus")) {
            return Math.max(1, conf.getInt("spark.task.cpus", 1));
        }
        int slots = localSlots(master, cores);
        return Math.max(1, cores / slots);
    }

    /** Task slots of a local master URL: local (1), local[N], local[*], local[N,F], local[*,F]. */
    static int localSlots(String master, int cores) {
        int open = master.indexOf('[');
        if (open < 0) {
            return 1;
        }
        String count = master.substring(open + 1, master.indexOf(']')).split(",")[0].trim();
        return count.equals("*") ? cores : Math.max(1, Integer.parseInt(count));
    }

    /** Sets the OpenMP thread count of the calling thread. */
    static void apply(int threads) {
        openMp().omp_set_num_threads(threads);
    }

    /** libgomp as ND4J loaded it: opening it by its soname finds the copy already in the process. */
    static OpenMp openMp() {
        return Loaded.OPEN_MP;
    }

    /** Bound on first use (every task start calls {@link #apply}), after ND4J has loaded libgomp. */
    private static final class Loaded {
        static final OpenMp OPEN_MP = Native.loadLibrary("libgomp.so.1", OpenMp.class);
    }
}
