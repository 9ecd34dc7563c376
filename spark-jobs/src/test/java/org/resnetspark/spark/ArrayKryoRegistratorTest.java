package org.resnetspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import scala.reflect.ClassTag$;

class ArrayKryoRegistratorTest {

    private static SerializerInstance kryo(String registrator) {
        return new KryoSerializer(new SparkConf().set("spark.kryo.registrator", registrator)).newInstance();
    }

    private static <T> T roundTrip(SerializerInstance serializer, T value) {
        var tag = ClassTag$.MODULE$.<T>apply(Object.class);
        return serializer.deserialize(serializer.serialize(value, tag), tag);
    }

    @Test
    void arraysOfEveryKindComeBackEqual() {
        SerializerInstance ours = kryo(ArrayKryoRegistrator.class.getName());
        Nd4j.getRandom().setSeed(3);
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 7, 5);
        List<INDArray> arrays = List.of(
                matrix,
                matrix.get(NDArrayIndex.interval(2, 6), NDArrayIndex.interval(1, 4)),   // a view: offset and strides
                matrix.getColumn(3),
                matrix.dup('f'),
                matrix.reshape(1, 35).get(NDArrayIndex.point(0), NDArrayIndex.interval(10, 20)),
                Nd4j.rand(DataType.DOUBLE, 2, 3, 4),
                Nd4j.createFromArray(-3, 0, 7, Integer.MAX_VALUE),
                Nd4j.createFromArray(true, false, true),
                Nd4j.scalar(2.5f),
                Nd4j.create(DataType.FLOAT, 0));
        for (INDArray array : arrays) {
            INDArray back = roundTrip(ours, array);
            assertEquals(array.dataType(), back.dataType());
            assertArrayEquals(array.shape(), back.shape(), array.shapeInfoToString());
            assertEquals(array, back, array.shapeInfoToString());
        }
    }

    /** What parameter averaging broadcasts each round, read back exactly, and smaller than ND4J's own encoding. */
    @Test
    void theRoundsBroadcastSurvivesAndIsNoLarger() {
        Random random = new Random(5);
        float[] values = new float[270_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        INDArray parameters = Nd4j.createFromArray(values).reshape(1, values.length);
        NetBroadcastTuple tuple = new NetBroadcastTuple(null, null, parameters, parameters.mul(0.5));

        SerializerInstance ours = kryo(ArrayKryoRegistrator.class.getName());
        NetBroadcastTuple back = roundTrip(ours, tuple);
        assertEquals(parameters, back.getParameters());
        assertEquals(parameters.mul(0.5), back.getUpdaterState());

        var tag = ClassTag$.MODULE$.<NetBroadcastTuple>apply(NetBroadcastTuple.class);
        long oursBytes = ours.serialize(tuple, tag).remaining();
        long nd4jBytes = kryo("org.nd4j.kryo.Nd4jRegistrator").serialize(tuple, tag).remaining();
        assertTrue(oursBytes <= nd4jBytes, oursBytes + " bytes against ND4J's " + nd4jBytes);
    }
}
