package org.resnetspark.jobs;

import org.resnetspark.data.ImageSource;
import picocli.CommandLine.Option;

/** How the training files are split (a picocli mixin of train and evaluate, which must split alike). */
final class SplitOptions {

    /** The paper's validation set: 45k/5k on CIFAR-10. */
    static final int PAPER_VALIDATION_SIZE = 5000;

    @Option(names = "--val-size", paramLabel = "N",
            description = "Training images held out for validation, drawn with the seed (default: 5000, or a tenth "
                    + "of the training images when that is fewer; 0 trains on all of them).")
    Integer validationSize;

    @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N images of the training files.")
    Integer trainLimit;

    /** The first --train-limit images of the training files, or all of them. */
    ImageSource limit(ImageSource trainFiles) {
        if (trainLimit == null) {
            return trainFiles;
        }
        if (trainLimit < 2) {
            throw new IllegalArgumentException("--train-limit must be at least 2, got " + trainLimit);
        }
        return trainFiles.range(0, Math.min(trainLimit, trainFiles.size()));
    }

    int validationSize(long trainImages) {
        return validationSize != null ? validationSize : (int) Math.min(PAPER_VALIDATION_SIZE, trainImages / 10);
    }
}
