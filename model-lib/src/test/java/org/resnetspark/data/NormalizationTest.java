package org.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.resnetspark.models.ModelRegistry;
import org.resnetspark.models.NetworkOptions;

class NormalizationTest {

    /** Two 1x2x2 images: channel values chosen so the statistics are easy to state. */
    private static ImageSet twoImages() {
        InputShape shape = new InputShape(2, 1, 2);
        byte[] pixels = {
            0, (byte) 255, 51, 102,
            (byte) 255, (byte) 255, 51, (byte) 204};
        return new ImageSet(shape, 2, pixels, new int[] {0, 1});
    }

    @Test
    void pixelMeanIsTheMeanOfEveryPositionWithStdOne() {
        Normalization n = Normalization.fit(Normalization.Mode.PIXEL_MEAN, twoImages());
        assertEquals(0.5f, n.mean(0), 1e-6f);
        assertEquals(1.0f, n.mean(1), 1e-6f);
        assertEquals(0.2f, n.mean(2), 1e-6f);
        assertEquals(0.6f, n.mean(3), 1e-6f);
        assertEquals(1f, n.std(3));
        assertEquals(1.0f - 0.5f, n.apply(0, (byte) 255), 1e-6f);
    }

    @Test
    void channelMeanStdHasOneMeanAndStdPerChannel() {
        Normalization n = Normalization.fit(Normalization.Mode.CHANNEL_MEAN_STD, twoImages());
        // channel 0: 0, 1, 1, 1 -> mean 0.75, std sqrt(0.1875); channel 1: 0.2, 0.4, 0.2, 0.8 -> mean 0.4, std sqrt(0.06)
        assertEquals(0.75f, n.mean(1), 1e-6f);
        assertEquals((float) Math.sqrt(0.1875), n.std(0), 1e-6f);
        assertEquals(0.4f, n.mean(2), 1e-6f);
        assertEquals((float) Math.sqrt(0.06), n.std(3), 1e-6f);
        assertEquals((0.8f - 0.4f) / (float) Math.sqrt(0.06), n.apply(3, (byte) 204), 1e-5f);
        assertEquals("channel-mean-std 0.7500/0.4330 0.4000/0.2449", n.toString());
    }

    @Test
    void theNormalisedTrainingSetHasMeanZeroAtEveryPosition() {
        ImageSet images = SyntheticDatasets.images(InputShape.CIFAR, 10, 50, 3);
        Normalization n = Normalization.fit(Normalization.Mode.PIXEL_MEAN, images);
        INDArray all = Nd4j.vstack(Batches.unaugmented(images, n, 50).stream().map(DataSet::getFeatures).toList());
        assertEquals(0.0, all.mean(0).amaxNumber().doubleValue(), 1e-5);
    }

    @Test
    void itIsSavedInsideTheModelZipAndRestoresToTheSameTransform(@TempDir Path dir) throws Exception {
        ImageSet images = SyntheticDatasets.images(InputShape.CIFAR, 10, 20, 4);
        Normalization saved = Normalization.fit(Normalization.Mode.CHANNEL_MEAN_STD, images);
        var net = ModelRegistry.parse("resnet8", 10, InputShape.CIFAR).build(NetworkOptions.defaults());
        Path zip = dir.resolve("model.zip");
        ModelSerializer.writeModel(net, zip.toFile(), false, saved);

        Normalization restored = assertInstanceOf(Normalization.class, ModelSerializer.restoreNormalizerFromFile(zip.toFile()));

        assertEquals(Normalization.Mode.CHANNEL_MEAN_STD, restored.mode());
        assertEquals(InputShape.CIFAR, restored.shape());
        // Applied by DL4J's preProcess to raw pixel values, it gives what the pipeline gives.
        float[] raw = new float[3072];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = images.pixels()[3 * 3072 + i] & 0xff;
        }
        DataSet rawBatch = new DataSet(Nd4j.create(raw, new long[] {1, 3, 32, 32}, DataType.FLOAT), Nd4j.zeros(1, 10));
        restored.preProcess(rawBatch);
        INDArray fromPipeline = Batches.unaugmented(images.slice(3, 4), saved, 1).get(0).getFeatures();
        assertArrayEquals(fromPipeline.data().asFloat(), rawBatch.getFeatures().dup('c').data().asFloat(), 1e-5f);

        restored.revertFeatures(rawBatch.getFeatures());
        assertArrayEquals(raw, rawBatch.getFeatures().dup('c').data().asFloat(), 1e-3f);
    }

    @Test
    void unknownModesListTheAcceptedOnes() {
        var error = assertThrows(IllegalArgumentException.class, () -> Normalization.Mode.parse("zca"));
        assertEquals("Unknown normalization 'zca'. Accepted: pixel-mean, channel-mean-std, none", error.getMessage());
    }
}
