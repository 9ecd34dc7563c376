package org.resnetspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.resnetspark.data.Augmentation;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.Normalization;
import org.resnetspark.spark.LocalSpark;

/** The training set on Spark local[2]: every image once per epoch, reshuffled per epoch, deterministic per seed. */
class SparkTrainingSetTest {

    private static JavaSparkContext sc;

    @BeforeAll
    static void startSpark() {
        sc = LocalSpark.start("training set");
    }

    @AfterAll
    static void stopSpark() {
        sc.close();
    }

    /** Image i is filled with the byte i and labelled i % 10: any unpadded output pixel names its image. */
    private static Examples numberedImages(int count) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[3072];
            Arrays.fill(pixels, (byte) i);
            examples.add(new Example(i, i % 10, pixels));
        }
        return new Examples(sc.parallelize(examples, 3), count, InputShape.CIFAR, 10);
    }

    private static final Normalization NONE = Normalization.of(Normalization.Mode.NONE, InputShape.CIFAR, null);

    /** A plain class, not a record: Spark's Kryo cannot create records. */
    static final class Batch implements java.io.Serializable {
        int partition;
        List<Integer> ids;
        float[] features;

        Batch(int partition, List<Integer> ids, float[] features) {
            this.partition = partition;
            this.ids = ids;
            this.features = features;
        }

        int partition() {
            return partition;
        }

        List<Integer> ids() {
            return ids;
        }

        float[] features() {
            return features;
        }
    }

    /** Each batch with the partition it was made in and the images it holds, in order (NONE normalisation). */
    private static List<Batch> collect(JavaRDD<DataSet> epoch) {
        return epoch.map(batch -> {
            List<Integer> ids = new ArrayList<>(); // an ArrayList Kryo can rebuild
            for (int n = 0; n < batch.numExamples(); n++) {
                int id = Math.round(batch.getFeatures().getFloat(n, 0, 16, 16) * 255);
                if (batch.getLabels().getFloat(n, id % 10) != 1f) {
                    throw new AssertionError("image " + id + " lost its label");
                }
                ids.add(id);
            }
            return new Batch(TaskContext.getPartitionId(), ids, batch.getFeatures().dup('c').data().asFloat());
        }).collect();
    }

    private static List<Integer> order(List<Batch> batches) {
        return batches.stream().flatMap(b -> b.ids().stream()).toList();
    }

    @Test
    void everyEpochHoldsEveryImageOnceInANewOrderAcrossTheWorkers() {
        Examples images = numberedImages(200);
        SparkTrainingSet set = new SparkTrainingSet(images, NONE, Augmentation.paper(true), 2, 16, 7);
        assertEquals(200, set.count());
        List<Batch> epoch0 = collect(set.epoch(0));
        List<Batch> epoch1 = collect(set.epoch(1));

        for (List<Batch> epoch : List.of(epoch0, epoch1)) {
            List<Integer> ids = order(epoch);
            assertEquals(200, ids.size());
            assertEquals(200, new HashSet<>(ids).size());
            assertTrue(epoch.stream().allMatch(b -> b.ids().size() <= 16));
            assertEquals(new HashSet<>(List.of(0, 1)), new HashSet<>(epoch.stream().map(Batch::partition).toList()));
            long inFirst = epoch.stream().filter(b -> b.partition() == 0).mapToLong(b -> b.ids().size()).sum();
            assertTrue(inFirst > 60 && inFirst < 140, "partition 0 holds " + inFirst + " of 200");
        }
        assertFalse(order(epoch0).equals(order(epoch1)), "reshuffled between epochs");
        // Different partitions in the two epochs: the shuffle crosses workers.
        assertFalse(epoch0.stream().filter(b -> b.partition() == 0).flatMap(b -> b.ids().stream()).toList()
                .containsAll(epoch1.stream().filter(b -> b.partition() == 0).flatMap(b -> b.ids().stream()).toList()));
    }

    @Test
    void theSameSeedAndEpochGiveTheSameBatchesAndAugmentation() {
        Examples images = numberedImages(100);
        SparkTrainingSet a = new SparkTrainingSet(images, NONE, Augmentation.paper(true), 2, 32, 3);
        SparkTrainingSet b = new SparkTrainingSet(images, NONE, Augmentation.paper(true), 2, 32, 3);
        SparkTrainingSet otherSeed = new SparkTrainingSet(images, NONE, Augmentation.paper(true), 2, 32, 4);
        List<Batch> first = collect(a.epoch(2));
        List<Batch> second = collect(b.epoch(2));
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i).ids(), second.get(i).ids());
            assertArrayEquals(first.get(i).features(), second.get(i).features());
        }
        assertFalse(order(first).equals(order(collect(otherSeed.epoch(2)))));
    }
}
