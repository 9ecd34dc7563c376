package org.resnetspark.data;

/** The shape of one input image, channels first. */
public record InputShape(int channels, int height, int width) implements java.io.Serializable {

    public static final InputShape CIFAR = new InputShape(3, 32, 32);
    public static final InputShape MNIST = new InputShape(1, 28, 28);

    public InputShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("Input shape must be positive: " + this);
        }
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
