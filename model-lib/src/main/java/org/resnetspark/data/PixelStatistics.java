package org.resnetspark.data;

import java.io.Serializable;

/**
 * Exact integer sums over raw pixel bytes, from which {@link Normalization} derives its
 * statistics: per position, and the sum of squares per channel. Sums of parts merge into the sum
 * of the whole, in any order and grouping, with the same result to the last bit, so executors can
 * each sum their part of a training set and the driver gets what one machine would have computed.
 */
public final class PixelStatistics implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int channels;
    private final long[] sums;
    private final long[] channelSquares;
    private long count;

    public PixelStatistics(InputShape shape) {
        this.channels = shape.channels();
        this.sums = new long[shape.channels() * shape.height() * shape.width()];
        this.channelSquares = new long[shape.channels()];
    }

    public static PixelStatistics of(ImageSet images) {
        PixelStatistics statistics = new PixelStatistics(images.shape());
        for (int n = 0; n < images.size(); n++) {
            statistics.add(images.pixels(), images.offset(n));
        }
        return statistics;
    }

    /** Adds the image whose bytes start at {@code offset}. */
    public PixelStatistics add(byte[] pixels, int offset) {
        int plane = sums.length / channels;
        for (int c = 0; c < channels; c++) {
            long squares = 0;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                int value = pixels[offset + i] & 0xff;
                sums[i] += value;
                squares += value * value;
            }
            channelSquares[c] += squares;
        }
        count++;
        return this;
    }

    /** Adds {@code other}'s sums to these; returns this. */
    public PixelStatistics merge(PixelStatistics other) {
        for (int i = 0; i < sums.length; i++) {
            sums[i] += other.sums[i];
        }
        for (int c = 0; c < channels; c++) {
            channelSquares[c] += other.channelSquares[c];
        }
        count += other.count;
        return this;
    }

    public long count() {
        return count;
    }

    /** The mean of position {@code i} in [0, 1] units. */
    double mean(int i) {
        return sums[i] / 255.0 / count;
    }

    /** The mean and standard deviation of channel {@code c} in [0, 1] units. */
    double[] channelMeanStd(int c) {
        int plane = sums.length / channels;
        long sum = 0;
        for (int i = c * plane; i < (c + 1) * plane; i++) {
            sum += sums[i];
        }
        double values = (double) count * plane;
        double mean = sum / 255.0 / values;
        double meanOfSquares = channelSquares[c] / (255.0 * 255.0) / values;
        return new double[] {mean, Math.sqrt(Math.max(meanOfSquares - mean * mean, 0))};
    }
}
