package org.resnetspark.data;

import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Throughput of the input pipeline on one thread, as one worker runs it: decode the training
 * files, then normalise, augment and batch every image once (one epoch). Normalisation
 * statistics are computed once per run, outside the timing.
 */
public final class InputPipelineBenchmark {

    /**
     * @param images       images per pass
     * @param decodeSeconds mean time to read and check the files
     * @param batchSeconds  mean time to normalise, augment and batch them
     */
    public record Result(int images, double decodeSeconds, double batchSeconds) {

        /** Decode + normalise + augment + batch. */
        public double imagesPerSecond() {
            return images / (decodeSeconds + batchSeconds);
        }

        /** Normalise + augment + batch only: the work repeated every epoch (decoding happens once). */
        public double epochImagesPerSecond() {
            return images / batchSeconds;
        }
    }

    private InputPipelineBenchmark() {
    }

    /**
     * One untimed pass to warm up, then {@code passes} timed ones over {@code source}, decoded by
     * the reader train's executors use.
     */
    public static Result run(ImageSource source, Configuration hadoop, Normalization.Mode mode, Augmentation augmentation,
                             int batchSize, long seed, int passes) throws IOException {
        Normalization normalization = Normalization.fit(mode, source.readAll(hadoop));
        double decode = 0;
        double batch = 0;
        int images = 0;
        for (int pass = 0; pass <= passes; pass++) {
            long start = System.nanoTime();
            ImageSet train = source.readAll(hadoop);
            long decoded = System.nanoTime();
            long checksum = 0;
            for (Iterator<DataSet> it = Batches.epoch(train, normalization, augmentation, batchSize, seed, pass);
                 it.hasNext(); ) {
                DataSet made = it.next();
                checksum += made.numExamples();
                // Off-heap arrays would otherwise wait for the garbage collector: hundreds of MB.
                made.getFeatures().close();
                made.getLabels().close();
            }
            long done = System.nanoTime();
            if (checksum != train.size()) {
                throw new IllegalStateException("The pipeline made " + checksum + " of " + train.size() + " images");
            }
            if (pass > 0) {
                decode += (decoded - start) / 1e9;
                batch += (done - decoded) / 1e9;
                images = train.size();
            }
        }
        return new Result(images, decode / passes, batch / passes);
    }
}
