package org.resnetspark.pytorch;

import java.util.Arrays;

/**
 * A tensor of a PyTorch checkpoint: its element type as PyTorch's storage class names it
 * ({@code FloatStorage}, {@code LongStorage}, ...), its shape, and its values in row-major order,
 * as floats whatever the stored type (weights are float32; integer tensors such as batch norm's
 * {@code num_batches_tracked} are counters nobody here needs exactly beyond 2^24).
 */
public record TorchTensor(String storageType, long[] shape, float[] values) {

    public static final String FLOAT = "FloatStorage";
    public static final String LONG = "LongStorage";

    public TorchTensor {
        if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != values.length) {
            throw new IllegalArgumentException("Shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
        }
    }

    public static TorchTensor floats(long[] shape, float[] values) {
        return new TorchTensor(FLOAT, shape, values);
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
