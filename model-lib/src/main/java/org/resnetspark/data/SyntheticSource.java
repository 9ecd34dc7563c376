package org.resnetspark.data;

import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;

/**
 * Seeded synthetic images that behave like photographs where a demo needs them to: each class is
 * a colour and a stripe frequency, each image those stripes at a random orientation, phase,
 * brightness and contrast, plus strong pixel noise. Random crops and flips leave that
 * distribution as it is (as they do for real images, unlike a fixed pattern per class), so a
 * network learns them in a few hundred steps and its batch norm running statistics agree with
 * its training batches. Each image is drawn from the seed and its own index: any part of the set
 * can be made anywhere without the rest.
 */
public record SyntheticSource(InputShape shape, int numClasses, long seed, long size) implements ImageSource {

    /** Red, green, blue, yellow, cyan: the colours of colour images' classes (grey images: one). */
    private static final double[][] COLOURS = {
        {1, 0.2, 0.2}, {0.2, 1, 0.2}, {0.2, 0.2, 1}, {1, 1, 0.2}, {0.2, 1, 1}};
    private static final double NOISE = 40;

    @Override
    public String describe() {
        return "synthetic images (seed " + seed + ")";
    }

    @Override
    public ImageSet read(long from, int count, Configuration hadoop) {
        return generate(from, count);
    }

    ImageSet generate(long from, int count) {
        int channels = shape.channels();
        int height = shape.height();
        int width = shape.width();
        int colours = channels == 3 ? Math.min(COLOURS.length, numClasses) : 1;
        int frequencies = (numClasses + colours - 1) / colours;
        byte[] pixels = ImageSet.allocate(shape, count, describe());
        int[] labels = new int[count];
        for (int n = 0; n < count; n++) {
            SplittableRandom random = new SplittableRandom(Seeds.mix(seed, Seeds.SYNTHETIC_IMAGES, from + n));
            int label = random.nextInt(numClasses);
            labels[n] = label;
            double[] colour = channels == 3 ? COLOURS[label % colours] : new double[] {1};
            // 1.5 to 8 cycles across the image: from broad bands to stripes 4 pixels apart at 32x32.
            double cycles = frequencies == 1 ? 3 : 1.5 + 6.5 * (label / colours) / (frequencies - 1.0);
            double angle = random.nextDouble(Math.PI);
            double phase = random.nextDouble(2 * Math.PI);
            double brightness = 128 + 20 * random.nextGaussian();
            double contrast = 60 * (0.7 + 0.6 * random.nextDouble());
            double fx = 2 * Math.PI * cycles * Math.cos(angle) / width;
            double fy = 2 * Math.PI * cycles * Math.sin(angle) / height;
            int offset = n * channels * height * width;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        double stripes = Math.sin(fx * x + fy * y + phase);
                        double value = brightness + contrast * colour[c] * stripes + NOISE * random.nextGaussian();
                        pixels[offset++] = (byte) Math.max(0, Math.min(255, Math.round(value)));
                    }
                }
            }
        }
        return new ImageSet(shape, numClasses, pixels, labels);
    }
}
