package org.resnetspark.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
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

    /**
     * Consecutive images that a reader reads as one: {@code cuttable} when any range of them
     * costs only its own bytes (fixed-size records), otherwise a reader of any of them decodes
     * the stretch from its start (a compressed or text-encoded array in a file).
     */
    record Stretch(long size, boolean cuttable) implements Serializable {
    }

    /** The set's stretches in order: by default one cuttable stretch of every image. */
    default List<Stretch> stretches() {
        return List.of(new Stretch(size(), true));
    }

    /**
     * Where readers should cut the set, as {@code [from, to)} ranges in order: each run of
     * cuttable stretches (a part may span files) into parts of at most about {@code partBytes}
     * and at least its share of {@code minParts}, each other stretch whole, so that no reader
     * decodes what another reads.
     */
    default List<long[]> parts(long partBytes, int minParts) {
        List<Stretch> runs = new ArrayList<>();
        for (Stretch stretch : stretches()) {
            Stretch last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.cuttable() && stretch.cuttable()) {
                runs.set(runs.size() - 1, new Stretch(last.size() + stretch.size(), true));
            } else {
                runs.add(stretch);
            }
        }
        long total = size();
        long perPart = Math.max(1, partBytes / imageBytes());
        List<long[]> ranges = new ArrayList<>();
        long start = 0;
        for (Stretch run : runs) {
            long size = run.size();
            int parts = !run.cuttable() ? 1 : (int) Math.max(1, Math.min(size,
                    Math.max((minParts * size + total - 1) / Math.max(1, total), (size + perPart - 1) / perPart)));
            for (int p = 0; p < parts && size > 0; p++) {
                ranges.add(new long[] {start + size * p / parts, start + size * (p + 1) / parts});
            }
            start += size;
        }
        if (ranges.isEmpty()) {
            ranges.add(new long[] {0, 0});
        }
        return ranges;
    }

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

        /** The whole's stretches within this range. */
        @Override
        public List<Stretch> stretches() {
            List<Stretch> clipped = new ArrayList<>();
            long start = 0;
            for (Stretch stretch : whole.stretches()) {
                long overlap = Math.min(start + stretch.size(), from + size) - Math.max(start, from);
                if (overlap > 0) {
                    clipped.add(new Stretch(overlap, stretch.cuttable()));
                }
                start += stretch.size();
            }
            return clipped;
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
