package org.resnetspark.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * A set of images that any machine of a cluster can read in parts: a dataset split's file names
 * and layout (checked once, where the source is made) or a synthetic set's seed. Executors each
 * {@link #read} their own range, so no machine needs the whole set in memory and only this small
 * description travels with the tasks.
 */
public interface ImageSource extends Serializable {

    InputShape shape();

    int numClasses();

    /** The classes' names in label order, for reports; empty when the labels are all the names there are. */
    default List<String> classNames() {
        return List.of();
    }

    /** Images in the set. */
    long size();

    /** Where the images come from, for logs. */
    String describe();

    /**
     * Images {@code from} to {@code from + count} (exclusive), decoded and checked: a label out of
     * range or a file shorter than announced is a {@link BadInputException} naming the file.
     */
    ImageSet read(long from, int count, Configuration hadoop) throws IOException;

    default int imageBytes() {
        return shape().channels() * shape().height() * shape().width();
    }

    /** Every image, in one array (at most 2 GB: a clear error beyond that). */
    default ImageSet readAll(Configuration hadoop) throws IOException {
        ImageSet.requireFits(shape(), size(), describe());   // the 2 GB message before any reading
        return read(0, (int) size(), hadoop);
    }

    /** Images {@code from} to {@code to} (exclusive) of this set, as a set of its own. */
    default ImageSource range(long from, long to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("Images " + from + " to " + to + " are not within the "
                    + size() + " of " + describe());
        }
        return from == 0 && to == size() ? this : new ImageRange(this, from, to - from);
    }

    /** Part of another source. */
    record ImageRange(ImageSource whole, long from, long size) implements ImageSource {

        @Override
        public InputShape shape() {
            return whole.shape();
        }

        @Override
        public int numClasses() {
            return whole.numClasses();
        }

        @Override
        public List<String> classNames() {
            return whole.classNames();
        }

        @Override
        public String describe() {
            return "images " + from + " to " + (from + size) + " of " + whole.describe();
        }

        @Override
        public ImageSet read(long start, int count, Configuration hadoop) throws IOException {
            if (start < 0 || start + count > size) {
                throw new IllegalArgumentException("Images " + start + " to " + (start + count) + " of " + describe());
            }
            return whole.read(from + start, count, hadoop);
        }
    }
}
