package org.resnetspark.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.serializer.CustomSerializerStrategy;
import org.nd4j.linalg.dataset.api.preprocessor.serializer.NormalizerSerializer;
import org.nd4j.linalg.dataset.api.preprocessor.serializer.NormalizerType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Input normalisation computed on the training split: pixels are scaled to [0, 1], then each
 * position gets {@code (x - mean) / std}. The modes only differ in the statistics:
 * <ul>
 * <li>{@code pixel-mean}: the mean of every pixel position and channel, std 1 (He et al. 2015);
 * <li>{@code channel-mean-std}: one mean and standard deviation per channel;
 * <li>{@code none}: mean 0, std 1 (scaling only).
 * </ul>
 * It is a DL4J {@link DataNormalization} so that {@code ModelSerializer} saves it inside
 * {@code model.zip} and evaluation restores and applies the same statistics; {@link #preProcess}
 * expects raw pixel values (0 to 255) as the files hold them.
 */
public final class Normalization implements DataNormalization {

    private static final long serialVersionUID = 1L;

    public enum Mode {
        PIXEL_MEAN("pixel-mean"), CHANNEL_MEAN_STD("channel-mean-std"), NONE("none");

        private final String cliName;

        Mode(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Mode parse(String name) {
            for (Mode mode : values()) {
                if (mode.cliName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("Unknown normalization '" + name
                    + "'. Accepted: pixel-mean, channel-mean-std, none");
        }
    }

    static {
        // Writing a custom normaliser needs its strategy registered; reading finds it by class name.
        NormalizerSerializer.getDefault().addStrategy(new Strategy());
    }

    private final Mode mode;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] mean;
    private final float[] std;
    // value = raw * scale[i] + shift[i], the same as (raw / 255 - mean[i]) / std[i]
    private final float[] scale;
    private final float[] shift;

    private Normalization(Mode mode, InputShape shape, float[] mean, float[] std) {
        this.mode = mode;
        this.channels = shape.channels();
        this.height = shape.height();
        this.width = shape.width();
        this.mean = mean;
        this.std = std;
        this.scale = new float[mean.length];
        this.shift = new float[mean.length];
        for (int i = 0; i < mean.length; i++) {
            scale[i] = (float) (1.0 / (255.0 * std[i]));
            shift[i] = (float) (-mean[i] / (double) std[i]);
        }
    }

    /** The statistics of {@code mode} over {@code training} (the training split only, never validation or test). */
    public static Normalization fit(Mode mode, ImageSet training) {
        return of(mode, training.shape(), mode == Mode.NONE ? null : PixelStatistics.of(training));
    }

    /** The statistics of {@code mode} from sums over the training split ({@code null} for {@code none}). */
    public static Normalization of(Mode mode, InputShape shape, PixelStatistics training) {
        int bytes = shape.channels() * shape.height() * shape.width();
        int plane = shape.height() * shape.width();
        float[] mean = new float[bytes];
        float[] std = new float[bytes];
        Arrays.fill(std, 1f);
        if (mode == Mode.NONE) {
            return new Normalization(mode, shape, mean, std);
        }
        if (training.count() == 0) {
            throw new IllegalArgumentException("Cannot compute normalisation statistics on an empty training set");
        }
        if (mode == Mode.PIXEL_MEAN) {
            for (int i = 0; i < bytes; i++) {
                mean[i] = (float) training.mean(i);
            }
            return new Normalization(mode, shape, mean, std);
        }
        for (int c = 0; c < shape.channels(); c++) {
            double[] meanStd = training.channelMeanStd(c);
            Arrays.fill(mean, c * plane, (c + 1) * plane, (float) meanStd[0]);
            Arrays.fill(std, c * plane, (c + 1) * plane, (float) Math.max(meanStd[1], 1e-3));
        }
        return new Normalization(mode, shape, mean, std);
    }

    /**
     * Given per-channel statistics, in [0, 1] units: what imported weights expect (e.g. PyTorch's
     * {@code transforms.Normalize(mean, std)} after {@code ToTensor()}).
     */
    public static Normalization channelMeanStd(InputShape shape, double[] channelMean, double[] channelStd) {
        if (channelMean.length != shape.channels() || channelStd.length != shape.channels()) {
            throw new IllegalArgumentException("Give a mean and a standard deviation for each of the " + shape.channels()
                    + " channels, not " + channelMean.length + " and " + channelStd.length);
        }
        int plane = shape.height() * shape.width();
        float[] mean = new float[shape.channels() * plane];
        float[] std = new float[mean.length];
        for (int c = 0; c < shape.channels(); c++) {
            if (!(channelStd[c] > 0)) {
                throw new IllegalArgumentException("A standard deviation must be positive, not " + channelStd[c]);
            }
            Arrays.fill(mean, c * plane, (c + 1) * plane, (float) channelMean[c]);
            Arrays.fill(std, c * plane, (c + 1) * plane, (float) channelStd[c]);
        }
        return new Normalization(Mode.CHANNEL_MEAN_STD, shape, mean, std);
    }

    public Mode mode() {
        return mode;
    }

    public InputShape shape() {
        return new InputShape(channels, height, width);
    }

    int channels() {
        return channels;
    }

    int height() {
        return height;
    }

    int width() {
        return width;
    }

    /** The mean of position {@code i} (channel-major, as in {@link ImageSet}), in [0, 1] units. */
    public float mean(int i) {
        return mean[i];
    }

    public float std(int i) {
        return std[i];
    }

    /** Normalised value of raw pixel byte {@code raw} at position {@code i}. */
    public float apply(int i, byte raw) {
        return (raw & 0xff) * scale[i] + shift[i];
    }

    @Override
    public String toString() {
        if (mode == Mode.CHANNEL_MEAN_STD) {
            int plane = height * width;
            StringBuilder s = new StringBuilder("channel-mean-std");
            for (int c = 0; c < channels; c++) {
                s.append(String.format(Locale.ROOT, " %.4f/%.4f", mean[c * plane], std[c * plane]));
            }
            return s.toString();
        }
        return mode.cliName();
    }

    // ---- DL4J's normaliser interface: features are raw pixel values in NCHW ----

    @Override
    public void preProcess(DataSet dataSet) {
        transform(dataSet.getFeatures());
    }

    @Override
    public void transform(DataSet dataSet) {
        preProcess(dataSet);
    }

    @Override
    public void transform(INDArray features) {
        INDArray rows = rowsOf(features);
        rows.muliRowVector(Nd4j.createFromArray(scale).castTo(features.dataType()))
                .addiRowVector(Nd4j.createFromArray(shift).castTo(features.dataType()));
        features.assign(rows.reshape('c', features.shape()));
    }

    @Override
    public void transform(INDArray features, INDArray featuresMask) {
        transform(features);
    }

    @Override
    public void revert(DataSet dataSet) {
        revertFeatures(dataSet.getFeatures());
    }

    @Override
    public void revertFeatures(INDArray features) {
        INDArray rows = rowsOf(features);
        rows.subiRowVector(Nd4j.createFromArray(shift).castTo(features.dataType()))
                .diviRowVector(Nd4j.createFromArray(scale).castTo(features.dataType()));
        features.assign(rows.reshape('c', features.shape()));
    }

    @Override
    public void revertFeatures(INDArray features, INDArray featuresMask) {
        revertFeatures(features);
    }

    /**
     * [N, C, H, W] features as [N, C*H*W] rows, so that per-position statistics broadcast over
     * rows. A view where the layout allows, else a copy: callers assign the result back.
     */
    private INDArray rowsOf(INDArray features) {
        long perImage = (long) channels * height * width;
        if (features.rank() != 4 || features.length() / features.size(0) != perImage) {
            throw new IllegalArgumentException("Features of shape " + Arrays.toString(features.shape())
                    + " are not [N, C, H, W] images of " + shape());
        }
        return features.reshape('c', features.size(0), perImage);
    }

    @Override
    public void fit(DataSet dataSet) {
        throw new UnsupportedOperationException("Fit with Normalization.fit(mode, training images)");
    }

    @Override
    public void fit(DataSetIterator iterator) {
        throw new UnsupportedOperationException("Fit with Normalization.fit(mode, training images)");
    }

    @Override
    public void transformLabel(INDArray labels) {
    }

    @Override
    public void transformLabel(INDArray labels, INDArray labelsMask) {
    }

    @Override
    public void revertLabels(INDArray labels) {
    }

    @Override
    public void revertLabels(INDArray labels, INDArray labelsMask) {
    }

    @Override
    public void fitLabel(boolean fitLabels) {
        if (fitLabels) {
            throw new UnsupportedOperationException("Labels are class indices; they are not normalised");
        }
    }

    @Override
    public boolean isFitLabel() {
        return false;
    }

    @Override
    public NormalizerType getType() {
        return NormalizerType.CUSTOM;
    }

    /** How ModelSerializer writes and reads it inside model.zip. */
    public static final class Strategy extends CustomSerializerStrategy<Normalization> {

        @Override
        public Class<Normalization> getSupportedClass() {
            return Normalization.class;
        }

        @Override
        public void write(Normalization n, OutputStream stream) throws IOException {
            DataOutputStream out = new DataOutputStream(stream);
            out.writeUTF(n.mode.name());
            out.writeInt(n.channels);
            out.writeInt(n.height);
            out.writeInt(n.width);
            for (int i = 0; i < n.mean.length; i++) {
                out.writeFloat(n.mean[i]);
                out.writeFloat(n.std[i]);
            }
            out.flush();
        }

        @Override
        public Normalization restore(InputStream stream) throws IOException {
            DataInputStream in = new DataInputStream(stream);
            Mode mode = Mode.valueOf(in.readUTF());
            InputShape shape = new InputShape(in.readInt(), in.readInt(), in.readInt());
            int bytes = shape.channels() * shape.height() * shape.width();
            float[] mean = new float[bytes];
            float[] std = new float[bytes];
            for (int i = 0; i < bytes; i++) {
                mean[i] = in.readFloat();
                std[i] = in.readFloat();
            }
            return new Normalization(mode, shape, mean, std);
        }
    }
}
