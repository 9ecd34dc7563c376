package org.resnetspark.data;

import java.util.Arrays;

/**
 * The paper's held-out validation set: {@code validationSize} images drawn at random (seeded)
 * from the training files, the rest for training; both keep the files' order. Same seed, same split.
 */
public record TrainValidationSplit(ImageSet train, ImageSet validation) {

    public static TrainValidationSplit of(ImageSet all, int validationSize, long seed) {
        int[] validation = validationIndices(all.size(), validationSize, seed);
        int[] train = new int[all.size() - validation.length];
        for (int i = 0, v = 0, t = 0; i < all.size(); i++) {
            if (v < validation.length && validation[v] == i) {
                v++;
            } else {
                train[t++] = i;
            }
        }
        return new TrainValidationSplit(validationSize == 0 ? all : all.select(train), all.select(validation));
    }

    /** The indices, in ascending order, of the {@code validationSize} images of {@code total} held out. */
    public static int[] validationIndices(long total, int validationSize, long seed) {
        if (validationSize < 0 || validationSize >= total) {
            throw new IllegalArgumentException("--val-size " + validationSize + " must be between 0 and "
                    + (total - 1) + ": the training files hold " + total + " images");
        }
        int[] order = Batches.permutation(Math.toIntExact(total), Seeds.mix(seed, Seeds.VALIDATION_SPLIT));
        int[] validation = Arrays.copyOfRange(order, 0, validationSize);
        Arrays.sort(validation);
        return validation;
    }
}
