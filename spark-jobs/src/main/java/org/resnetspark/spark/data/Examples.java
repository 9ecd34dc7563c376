package org.resnetspark.spark.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.resnetspark.data.ImageSet;
import org.resnetspark.data.ImageSource;
import org.resnetspark.data.InputShape;

/**
 * Images on the executors, as an RDD of {@link Example}s numbered 0 to {@code count - 1}, with
 * what the driver knows of them without a Spark job: how many, their shape and classes.
 */
public record Examples(JavaRDD<Example> rdd, long count, InputShape shape, int numClasses) {

    /** Read tasks of about this many bytes: a dataset of any size is many small tasks. */
    static final long PART_BYTES = 8L << 20;

    /**
     * The images of {@code source}, read by the executors in parts of about {@link #PART_BYTES}
     * (at least {@code minParts}), each from its own byte range through the Hadoop file system: a
     * task carries only the source's description and its range. Not cached: callers persist.
     */
    public static Examples read(JavaSparkContext sc, ImageSource source, int minParts) {
        Broadcast<SerializableConfiguration> hadoop = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
        long size = source.size();
        long perPart = Math.max(1, PART_BYTES / source.imageBytes());
        int parts = (int) Math.max(1, Math.min(size, Math.max(minParts, (size + perPart - 1) / perPart)));
        List<long[]> ranges = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            ranges.add(new long[] {size * p / parts, size * (p + 1) / parts});
        }
        JavaRDD<Example> rdd = sc.parallelize(ranges, parts).flatMap(range -> {
            ImageSet images = source.read(range[0], (int) (range[1] - range[0]), hadoop.value().value());
            List<Example> part = new ArrayList<>(images.size());
            for (int i = 0; i < images.size(); i++) {
                part.add(new Example(range[0] + i, images.label(i), images.copyOfImage(i)));
            }
            return part.iterator();
        }).setName(source.describe());
        return new Examples(rdd, size, source.shape(), source.numClasses());
    }

    /** The examples numbered below {@code n}. */
    public Examples first(long n) {
        long kept = Math.min(n, count);
        return new Examples(rdd.filter(e -> e.index < kept), kept, shape, numClasses);
    }
}
