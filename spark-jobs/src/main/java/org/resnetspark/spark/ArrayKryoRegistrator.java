package org.resnetspark.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import org.nd4j.kryo.Nd4jRegistrator;
import org.nd4j.kryo.Nd4jSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's Kryo registrations, with ND4J's arrays written as their raw bytes in bulk copies. ND4J's
 * own serializer goes element by element through a DataOutputStream (20 ns a byte until the JIT
 * compiles it, 2.5 after; these copies 0.5-1, BENCHMARKS.md), and parameter averaging moves the
 * parameters and the updater state through Kryo several times a round: the broadcast to the
 * workers, each worker's result, and reading both back.
 * The bytes are in the machine's order, as the drivers and executors of one cluster share it.
 */
public class ArrayKryoRegistrator extends Nd4jRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        super.registerClasses(kryo);
        // Replaces the serializer ND4J registered for the same class.
        kryo.register(Nd4j.getBackend().getNDArrayClass(), new RawBytes());
    }

    /**
     * Data type, shape, then the elements' bytes of a dense row-major copy. Strings and the
     * like, which have no fixed width, go through ND4J's own serializer.
     */
    static final class RawBytes extends Serializer<INDArray> {

        private final Nd4jSerializer nd4j = new Nd4jSerializer();

        @Override
        public void write(Kryo kryo, Output output, INDArray array) {
            boolean raw = array.dataType().isNumerical() || array.dataType() == DataType.BOOL;
            output.writeBoolean(raw);
            if (!raw) {
                nd4j.write(kryo, output, array);
                return;
            }
            output.writeString(array.dataType().name());
            output.writeInt(array.rank(), true);
            for (long size : array.shape()) {
                output.writeLong(size, true);
            }
            if (array.isEmpty()) {
                return;
            }
            INDArray dense = isDense(array) ? array : array.dup('c');
            try {
                Channels.newChannel(output).write(elementBytes(dense));
            } catch (IOException e) {
                throw new KryoException(e);
            }
        }

        @Override
        public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
            if (!input.readBoolean()) {
                return nd4j.read(kryo, input, type);
            }
            DataType dataType = DataType.valueOf(input.readString());
            long[] shape = new long[input.readInt(true)];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = input.readLong(true);
            }
            INDArray array = Nd4j.createUninitializedDetached(dataType, 'c', shape);
            if (array.isEmpty()) {
                return array;
            }
            ByteBuffer bytes = elementBytes(array);
            // Not closed: that would close Kryo's input, which later objects still read.
            ReadableByteChannel channel = Channels.newChannel(input);
            try {
                while (bytes.hasRemaining()) {
                    if (channel.read(bytes) < 0) {
                        throw new KryoException("the stream ended inside an array of shape " + Arrays.toString(shape));
                    }
                }
            } catch (IOException e) {
                throw new KryoException(e);
            }
            return array;
        }

        /** Whether the array's elements are its whole buffer, in row-major order. */
        private static boolean isDense(INDArray array) {
            return !array.isView() && array.ordering() == 'c' && array.offset() == 0
                    && array.data().length() == array.length();
        }

        /** The bytes of a dense array's elements, over its own memory. */
        private static ByteBuffer elementBytes(INDArray dense) {
            int size = Math.toIntExact(dense.length() * dense.dataType().width());
            return dense.data().asNio().duplicate().position(0).limit(size).slice();
        }
    }
}
