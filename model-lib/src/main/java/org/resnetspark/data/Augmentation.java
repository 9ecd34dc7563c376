package org.resnetspark.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The training augmentation of He et al. 2015: pad {@code padding} pixels of zeros on each side,
 * take a random crop of the original size, and flip it horizontally with probability 0.5 (when
 * {@code flip}). The padding is zero after normalisation, i.e. the training mean, as in the
 * authors' Torch code. Validation and test images use {@link #NONE}: the original image only.
 */
public record Augmentation(int padding, boolean flip) implements Serializable {

    public static final Augmentation NONE = new Augmentation(0, false);

    /** The paper's: 4 pixels of padding, flips where the dataset allows them. */
    /** As logs and summaries say it: "none" or "pad 4 + random crop + flip". */
    public String describe() {
        return padding == 0 && !flip ? "none" : "pad " + padding + " + random crop" + (flip ? " + flip" : "");
    }

    public static Augmentation paper(boolean flip) {
        return new Augmentation(4, flip);
    }

    public Augmentation {
        if (padding < 0) {
            throw new IllegalArgumentException("Padding must not be negative: " + padding);
        }
    }

    /**
     * One image's random draw: the crop's top-left corner in the padded image (0 to 2 x padding
     * in each direction; {@code padding, padding} is the original image) and whether to flip.
     */
    public record Draw(int top, int left, boolean flipped) {
    }

    public Draw draw(SplittableRandom random) {
        int top = padding == 0 ? 0 : random.nextInt(2 * padding + 1);
        int left = padding == 0 ? 0 : random.nextInt(2 * padding + 1);
        return new Draw(top, left, flip && random.nextBoolean());
    }

    /** The draw of one example in one epoch: the same wherever and in whatever order it is computed. */
    public Draw draw(long seed, int epoch, long exampleIndex) {
        return draw(new SplittableRandom(Seeds.mix(seed, epoch, exampleIndex)));
    }

    /**
     * Normalises, crops and flips one image in a single pass: reads {@code src} from
     * {@code srcOffset} (raw bytes, channels first, of the normalisation's shape) and writes the
     * result to {@code dst} from {@code dstOffset}; output pixels that fall in the padding are 0.
     */
    public void apply(byte[] src, int srcOffset, Normalization normalization, Draw draw, float[] dst, int dstOffset) {
        int channels = normalization.channels();
        int height = normalization.height();
        int width = normalization.width();
        int rowShift = draw.top() - padding;
        int columnShift = draw.left() - padding;
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                int sourceY = y + rowShift;
                int out = dstOffset + plane + y * width;
                if (sourceY < 0 || sourceY >= height) {
                    Arrays.fill(dst, out, out + width, 0f);
                    continue;
                }
                int sourceRow = plane + sourceY * width;
                for (int x = 0; x < width; x++) {
                    int sourceX = (draw.flipped() ? width - 1 - x : x) + columnShift;
                    dst[out + x] = sourceX < 0 || sourceX >= width ? 0f
                            : normalization.apply(sourceRow + sourceX, src[srcOffset + sourceRow + sourceX]);
                }
            }
        }
    }
}
