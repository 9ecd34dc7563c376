package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.resnetspark.runtime.NativeRuntime;

class TaskThreadsTest {

    @Test
    void localModeSharesTheCoresAmongTaskSlots() {
        assertEquals(1, TaskThreads.forConf(new SparkConf().setMaster("local[2]"), 2));
        assertEquals(2, TaskThreads.forConf(new SparkConf().setMaster("local[2]"), 4));
        assertEquals(1, TaskThreads.forConf(new SparkConf().setMaster("local[*]"), 8));
        assertEquals(8, TaskThreads.forConf(new SparkConf().setMaster("local"), 8));
        assertEquals(3, TaskThreads.forConf(new SparkConf().setMaster("local[4, 2]").set("spark.task.cpus", "3"), 8));
        assertEquals(1, TaskThreads.forConf(new SparkConf().setMaster("local[*,3]"), 4));
        assertEquals(0, TaskThreads.forConf(new SparkConf().setMaster("spark://host:7077"), 8));
        assertEquals(0, TaskThreads.forConf(new SparkConf().setMaster("yarn"), 8));
    }

    @Test
    void aSingleWorkerInLocalModeGetsEveryCore() {
        assertEquals(2, SparkJobs.cpusPerTask(new SparkConf().setMaster("local[*]"), 1, 2), "--single-machine on local[*]");
        assertEquals(0, SparkJobs.cpusPerTask(new SparkConf().setMaster("local[*]"), 2, 2), "a worker per slot: as it is");
        assertEquals(2, SparkJobs.cpusPerTask(new SparkConf().setMaster("local[4]"), 2, 8));
        assertEquals(0, SparkJobs.cpusPerTask(new SparkConf().setMaster("local[*]"), 0, 2), "workers not known yet");
        assertEquals(0, SparkJobs.cpusPerTask(new SparkConf().setMaster("local[2]").set("spark.task.cpus", "1"), 1, 2), "the user's");
        assertEquals(0, SparkJobs.cpusPerTask(new SparkConf().setMaster("spark://host:7077"), 1, 2));
        assertEquals(2, TaskThreads.forConf(new SparkConf().setMaster("local[*]").set("spark.task.cpus", "2"), 2),
                "and the task's OpenMP threads follow");
    }

    @Test
    void theThreadCountBelongsToTheCallingThreadOfNd4jsOpenMp() throws Exception {
        NativeRuntime.configure();
        Nd4j.create(1); // loads ND4J, and with it the libgomp it links
        int processDefault = TaskThreads.openMp().omp_get_max_threads();
        AtomicInteger inTask = new AtomicInteger();
        Thread task = new Thread(() -> {
            TaskThreads.apply(1);
            inTask.set(TaskThreads.openMp().omp_get_max_threads());
        });
        task.start();
        task.join();
        assertEquals(1, inTask.get());
        assertEquals(processDefault, TaskThreads.openMp().omp_get_max_threads(), "other threads keep theirs");
    }
}
