package org.resnetspark.spark.data;

import java.io.Serializable;

/**
 * One decoded training image as Spark holds it: its index in the training split (which seeds
 * its shuffling and augmentation), its label and its raw bytes. A plain class with mutable
 * fields and a no-argument constructor, so that Kryo serialises it without help.
 */
public final class Example implements Serializable {

    private static final long serialVersionUID = 1L;

    long index;
    int label;
    byte[] pixels;

    public Example() {
    }

    public Example(long index, int label, byte[] pixels) {
        this.index = index;
        this.label = label;
        this.pixels = pixels;
    }

    public long index() {
        return index;
    }

    public int label() {
        return label;
    }

    public byte[] pixels() {
        return pixels;
    }
}
