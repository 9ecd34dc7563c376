package org.resnetspark.data;

import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.resnetspark.models.InputShape;

/**
 * Seeded synthetic images, each drawn from the seed and its own index, so that any part of the
 * set can be made anywhere without the rest: an image is its class's fixed random pattern plus
 * noise, with a random label.
 */
public record SyntheticSource(InputShape shape, int numClasses, long seed, long size) implements ImageSource {

    private static final long PATTERN_STREAM = 0;
    private static final long IMAGE_STREAM = 1;

    @Override
    public String describe() {
        return "synthetic images (seed " + seed + ")";
    }

    @Override
    public ImageSet read(long from, int count, Configuration hadoop) {
        return generate(from, count);
    }

    ImageSet generate(long from, int count) {
        int bytes = imageBytes();
        SplittableRandom patternRandom = new SplittableRandom(Seeds.mix(seed, PATTERN_STREAM));
        int[][] patterns = new int[numClasses][bytes];
        for (int[] pattern : patterns) {
            for (int i = 0; i < bytes; i++) {
                pattern[i] = 40 + patternRandom.nextInt(176);
            }
        }
        byte[] pixels = ImageSet.allocate(shape, count, describe());
        int[] labels = new int[count];
        for (int n = 0; n < count; n++) {
            SplittableRandom random = new SplittableRandom(Seeds.mix(seed, IMAGE_STREAM, from + n));
            labels[n] = random.nextInt(numClasses);
            int[] pattern = patterns[labels[n]];
            for (int i = 0; i < bytes; i++) {
                int value = pattern[i] + (int) (40 * random.nextGaussian());
                pixels[n * bytes + i] = (byte) Math.max(0, Math.min(255, value));
            }
        }
        return new ImageSet(shape, numClasses, pixels, labels);
    }
}
