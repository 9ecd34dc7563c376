package org.resnetspark.data;


/**
 * A dataset ready for training by the paper's protocol: the training and validation split of
 * the training files, the test set (for the final evaluation only), the normalisation fitted on
 * the training split, and the training augmentation.
 */
public record PreparedData(String name, ImageSet train, ImageSet validation, ImageSet test,
                           Normalization normalization, Augmentation augmentation) {

    /** The protocol applied to decoded training and test images. */
    public static PreparedData of(String name, ImageSet trainFiles, ImageSet test, int validationSize,
                                  Normalization.Mode mode, Augmentation augmentation, long seed) {
        TrainValidationSplit split = TrainValidationSplit.of(trainFiles, validationSize, seed);
        return new PreparedData(name, split.train(), split.validation(), test,
                Normalization.fit(mode, split.train()), augmentation);
    }

    public InputShape shape() {
        return train.shape();
    }

    public int numClasses() {
        return train.numClasses();
    }

    public String summary() {
        return String.format("%s: %d training, %d validation, %d test images of %s, %d classes; normalization %s; "
                        + "augmentation %s", name, train.size(), validation.size(), test.size(), shape(), numClasses(),
                normalization, augmentation.describe());
    }
}
