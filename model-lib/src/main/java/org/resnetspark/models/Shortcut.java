package org.resnetspark.models;

/** How a residual block's shortcut is built (He et al. 2015, section 4.1 and Table 3). */
public enum Shortcut {
    /** Identity; where the shape changes, a strided subsample with zero-padded channels. No parameters. */
    A,
    /** Identity; a 1x1 projection (convolution and batch norm) only where the shape changes. */
    B,
    /** A 1x1 projection on every block. */
    C,
    /** No shortcut at all: the plain network of the same depth. */
    NONE
}
