package org.resnetspark.data;

import java.util.Arrays;

/**
 * The paper's held-out validation set: {@code validationSize} images drawn at random (seeded)
 * from the training files, the rest for training; both keep the files' order. Same seed, same split.
 */
public record TrainValidationSplit(ImageSet train, ImageSet validation) {

    /** The stream of {@link Seeds} used for the split, apart from shuffling and augmentation. */
    private static final long SPLIT_STREAM = 0x5B117L;

    public static TrainValidationSplit of(ImageSet all, int validationSize, long seed) {
        if (validationSize < 0 || validationSize >= all.size()) {
            throw new IllegalArgumentException("--val-size " + validationSize + " must be between 0 and "
                    + (all.size() - 1) + ": the training files hold " + all.size() + " images");
        }
        int[] order = Batches.permutation(all.size(), Seeds.mix(seed, SPLIT_STREAM));
        int[] validation = Arrays.copyOfRange(order, 0, validationSize);
        int[] train = Arrays.copyOfRange(order, validationSize, order.length);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new TrainValidationSplit(validationSize == 0 ? all : all.select(train), all.select(validation));
    }
}
