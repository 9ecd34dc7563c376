package org.resnetspark.models;

/**
 * Dropout rates (probability of dropping a unit; 0 = off) at the three places the experiments
 * use: before every convolution of the residual branch, between its convolutions (before every
 * convolution but the first: Wide ResNets' placement), and before the classifier.
 */
public record Dropout(double beforeConvs, double betweenConvs, double beforeClassifier) {

    public static final Dropout NONE = new Dropout(0, 0, 0);

    public Dropout {
        for (double rate : new double[] {beforeConvs, betweenConvs, beforeClassifier}) {
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("A dropout rate is the probability of dropping a unit, in [0, 1): " + rate);
            }
        }
    }

    /** The rate before convolution {@code index} (0-based) of a residual branch. */
    double beforeConv(int index) {
        return index > 0 && betweenConvs > 0 ? betweenConvs : beforeConvs;
    }
}
