package org.resnetspark.data;

/**
 * Derives independent seeds from a run's seed and counters (epoch, example index, ...), so that
 * every random draw depends only on what it is for, not on the order in which work is done:
 * an example gets the same augmentation in epoch 3 on any worker and in any partition.
 */
public final class Seeds {

    // The streams: each kind of random draw mixes its own constant into the run's seed, so that no
    // two kinds ever share numbers. Changing a value changes every run's draws of that kind.

    /** Which training images are held out for validation ({@link TrainValidationSplit}). */
    public static final long VALIDATION_SPLIT = 0x5B117L;
    /** Which images of a single tree of class folders are held out as its test split ({@link ImageFolders}). */
    public static final long FOLDER_TEST_SPLIT = 0x7E57L;
    /** The order of the training images in each epoch, across the workers (with the epoch). */
    public static final long EPOCH_SHUFFLE = 0x5F0FL;
    /** Each image's crop and flip (with the epoch and the image's index). */
    public static final long AUGMENTATION = 0xA06L;
    /** DL4J's parameter-averaging master of each epoch (with the epoch). */
    public static final long AVERAGING_MASTER = 0x5B17L;
    /** Each synthetic image (with its index). */
    public static final long SYNTHETIC_IMAGES = 1;

    private Seeds() {
    }

    /** SplitMix64's finaliser over the seed and each part in turn. */
    public static long mix(long seed, long... parts) {
        long h = scramble(seed);
        for (long part : parts) {
            h = scramble(h ^ scramble(part + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    private static long scramble(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
