package org.resnetspark.models;

/**
 * A CIFAR ResNet of He et al. 2015, section 4.2: a 3x3 convolution with 16 filters, three stages
 * of n basic blocks at 16/32/64 filters (feature maps 32/16/8 pixels on CIFAR), global average
 * pooling and a softmax classifier. Depth = 6n + 2.
 */
public record CifarResNetSpec(int depth, Shortcut shortcut, int numClasses, InputShape input) implements ModelSpec {

    public static final int[] STAGE_WIDTHS = {16, 32, 64};
    public static final String VALID_DEPTHS = "6n+2 for n >= 1: 8, 14, 20, 32, 44, 56, 110, 1202, ...";

    public CifarResNetSpec {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("Depth " + depth + " is not a CIFAR ResNet depth; valid depths are "
                    + VALID_DEPTHS + " (the paper's: 20, 32, 44, 56, 110, 1202)");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("A classifier needs at least 2 classes, got " + numClasses);
        }
    }

    public static CifarResNetSpec cifar10(int depth, Shortcut shortcut) {
        return new CifarResNetSpec(depth, shortcut, 10, InputShape.CIFAR);
    }

    /** Basic blocks per stage. */
    public int blocksPerStage() {
        return (depth - 2) / 6;
    }

    @Override
    public org.deeplearning4j.nn.conf.ComputationGraphConfiguration configuration(NetworkOptions options) {
        return CifarResNet.configuration(this, options);
    }

    /** The registry name that builds this network, e.g. {@code resnet56-B} or {@code plain20}. */
    @Override
    public String name() {
        return switch (shortcut) {
            case NONE -> "plain" + depth;
            case A -> "resnet" + depth;
            default -> "resnet" + depth + "-" + shortcut;
        };
    }
}
