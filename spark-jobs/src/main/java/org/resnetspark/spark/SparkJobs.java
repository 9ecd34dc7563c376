package org.resnetspark.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.resnetspark.data.HadoopDeadlines;
import org.resnetspark.runtime.NativeRuntime;

/**
 * The Spark settings every job of this project needs, applied in code so that a bare
 * {@code spark-submit train-job.jar ...} is correct; a value given with {@code --conf} or in
 * spark-defaults.conf wins. The master is never set here: spark-submit (or run.sh) sets it.
 */
public final class SparkJobs {

    private SparkJobs() {
    }

    public static SparkConf conf(String appName) {
        SparkConf conf = new SparkConf().setAppName(appName);
        // ND4J arrays through Kryo need ND4J's registrations; ours copies their bytes in bulk.
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", ArrayKryoRegistrator.class.getName());
        // Training tasks are long and CPU-bound: run them where a slot is free, now.
        conf.setIfMissing("spark.locality.wait", "0");
        conf.setIfMissing("spark.plugins", NativeRuntimePlugin.class.getName());
        // Read by the OpenMP runtime when an executor loads ND4J: idle threads must not spin on the
        // working cores, beyond a short spin that lets back-to-back primitives find them awake.
        conf.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        conf.setIfMissing("spark.executorEnv.GOMP_SPINCOUNT", NativeRuntime.OPENMP_SPIN_COUNT);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        return conf;
    }

    public static JavaSparkContext start(String appName) {
        return start(appName, 0);
    }

    /**
     * A context for a job that runs {@code workers} long tasks at once (0: as many as Spark has
     * slots). In local mode with fewer workers than slots, each task gets the cores of the slots
     * left over (spark.task.cpus, unless set): a --single-machine run on local[*] trained on one
     * core of two, as OpenMP threads are cores over slots (see TaskThreads).
     */
    public static JavaSparkContext start(String appName, int workers) {
        // dl4j-spark's training statistics would otherwise ask an NTP server (no network on clusters behind firewalls).
        System.setProperty("org.deeplearning4j.spark.time.TimeSource",
                System.getProperty("org.deeplearning4j.spark.time.TimeSource",
                        "org.deeplearning4j.spark.time.SystemClockTimeSource"));
        SparkConf conf = conf(appName);
        if (conf.get("spark.master", "").startsWith("local")) {
            // The executor is this JVM, whose class path spark-submit already gave the jars; shipped
            // anyway, each run copied the 373 MB jar into Spark's local folder, left behind by a kill -9.
            conf.remove("spark.jars");
            int cpus = cpusPerTask(conf, workers, Runtime.getRuntime().availableProcessors());
            if (cpus > 0) {
                conf.set("spark.task.cpus", String.valueOf(cpus));
            }
        }
        JavaSparkContext sc = new JavaSparkContext(conf);
        // An unreachable or silent hdfs:// or s3a:// endpoint fails in seconds, not never.
        HadoopDeadlines.applyTo(sc.hadoopConfiguration());
        // Lost executors and failed tasks are logged as they happen (a run that survived a lost worker says so).
        ClusterEvents.install(sc.sc());
        return sc;
    }

    /** spark.task.cpus for {@code workers} tasks in local mode when fewer than the slots; 0 to leave it. */
    static int cpusPerTask(SparkConf conf, int workers, int cores) {
        String master = conf.get("spark.master", "");
        if (!master.startsWith("local") || workers <= 0 || conf.contains("spark.task.cpus")) {
            return 0;
        }
        int slots = TaskThreads.localSlots(master, cores);
        return workers < slots ? slots / workers : 0;
    }
}
