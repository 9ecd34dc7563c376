package org.resnetspark.spark;

import org.apache.spark.api.java.JavaSparkContext;

/** A Spark context on local[2] with the jobs' own settings, UI off, bound to loopback. */
public final class LocalSpark {

    private LocalSpark() {
    }

    public static JavaSparkContext start(String name) {
        return new JavaSparkContext(SparkJobs.conf(name)
                .setMaster("local[2]")
                .set("spark.driver.host", "localhost")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false"));
    }
}
