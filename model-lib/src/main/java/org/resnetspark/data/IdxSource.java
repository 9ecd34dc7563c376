package org.resnetspark.data;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/**
 * A split in IDX files (MNIST, Fashion-MNIST) whose headers {@link IdxFormat#source} checked:
 * image {@code i} is a byte range of the images file and label {@code i} one byte of the labels
 * file, read directly in plain files and after decompressing what comes before in gzip ones.
 */
public record IdxSource(String images, boolean imagesGzip, String labels, boolean labelsGzip, InputShape shape,
                        int numClasses, long size) implements ImageSource {

    @Override
    public String describe() {
        return "IDX " + images + " with labels " + labels;
    }

    @Override
    public ImageSet read(long from, int count, Configuration hadoop) throws IOException {
        if (from < 0 || from + count > size) {
            throw new IllegalArgumentException("Images " + from + " to " + (from + count) + " are beyond the "
                    + size + " of " + describe());
        }
        return IdxFormat.read(this, from, count, hadoop);
    }
}
