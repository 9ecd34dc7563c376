package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.resnetspark.testing.ClassPathChecks;

/** The aligned stack: one version of each library, real logging, Java lambdas and ND4J in tasks. */
class SparkStackTest {

    @Test
    void everyLibraryIsPresentInOneVersionOnly() {
        assertEquals(List.of(), ClassPathChecks.librariesWithSeveralVersions());
    }

    @Test
    void logsReachLog4jAsSparkExpects() {
        assertEquals("org.apache.logging.slf4j.Log4jLoggerFactory", ClassPathChecks.slf4jBinding());
        assertEquals("2.12.18", scala.util.Properties.versionNumberString());
    }

    @Test
    void javaLambdasAndNd4jArraysRunInTasksOnTwoThreads() {
        // Scala 2.12.14's LambdaDeserializer beside Spark's 2.12.18 fails exactly here.
        try (JavaSparkContext sc = LocalSpark.start("lambda")) {
            int sum = sc.parallelize(List.of(1, 2, 3, 4, 5, 6), 2).map(x -> x * 2).reduce(Integer::sum);
            assertEquals(42, sum);
            // ND4J arrays travel through Kryo with ND4J's registrator.
            INDArray total = sc.parallelize(List.of(1, 2, 3, 4), 2)
                    .map(x -> Nd4j.ones(3).muli(x))
                    .reduce(INDArray::add);
            assertEquals(Nd4j.ones(3).muli(10), total);
        }
    }
}
