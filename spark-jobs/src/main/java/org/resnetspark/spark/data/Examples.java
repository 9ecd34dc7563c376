package org.resnetspark.spark.data;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.io.Serializable;
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
     * One read task: where its images start in the whole set, and its part of the source. Spark
     * ships it with Kryo, which cannot build records (sources are records): Java serialization here.
     */
    @DefaultSerializer(JavaSerializer.class)
    private record Part(long first, ImageSource images) implements Serializable {
    }

    /**
     * The images of {@code source}, read by the executors in the parts {@link ImageSource#parts}
     * cuts (about {@link #PART_BYTES} each, at least {@code minParts}, a file that must be decoded
     * from its start in one part), each from its own byte range or files through the Hadoop file
     * system: a task carries only its part of the source ({@link ImageSource#range}), never the
     * whole of a long list of image files. Not cached: callers persist.
     */
    public static Examples read(JavaSparkContext sc, ImageSource source, int minParts) {
        Broadcast<SerializableConfiguration> hadoop = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
        long size = source.size();
        List<Part> parts = new ArrayList<>();
        for (long[] range : source.parts(PART_BYTES, minParts)) {
            parts.add(new Part(range[0], source.range(range[0], range[1])));
        }
        JavaRDD<Example> rdd = sc.parallelize(parts, parts.size()).flatMap(part -> {
            ImageSet images = part.images().read(0, (int) part.images().size(), hadoop.value().value());
            List<Example> examples = new ArrayList<>(images.size());
            for (int i = 0; i < images.size(); i++) {
                examples.add(new Example(part.first() + i, images.label(i), images.copyOfImage(i)));
            }
            return examples.iterator();
        }).setName(source.describe());
        return new Examples(rdd, size, source.shape(), source.numClasses());
    }

    /** The examples numbered below {@code n}. */
    public Examples first(long n) {
        long kept = Math.min(n, count);
        return new Examples(rdd.filter(e -> e.index < kept), kept, shape, numClasses);
    }
}
