package org.resnetspark.models;

/** A residual block: two (or, with a different span, one or three) kxk convolutions, or 1x1-kxk-1x1. */
public enum BlockType {
    BASIC,
    /** 1x1 reduce, kxk, 1x1 expand to 4x the inner width (He et al. 2015, Figure 5 right). */
    BOTTLENECK;

    public static final int EXPANSION = 4;
}
