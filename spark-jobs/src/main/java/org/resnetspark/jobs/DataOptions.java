package org.resnetspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.resnetspark.data.Augmentation;
import org.resnetspark.data.DataFolder;
import org.resnetspark.data.Dataset;
import org.resnetspark.data.DatasetCache;
import org.resnetspark.data.ImageSource;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.Normalization;
import org.resnetspark.data.SyntheticSource;
import org.resnetspark.spark.data.DistributedData;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The data options of the training job (a picocli mixin): which dataset, where from, and the protocol. */
final class DataOptions {

    static final String SYNTHETIC = "synthetic";
    /** The paper's validation set: 45k/5k on CIFAR-10. */
    static final int PAPER_VALIDATION_SIZE = 5000;

    @Option(names = "--dataset", defaultValue = SYNTHETIC,
            description = "cifar10, cifar100, mnist, fashion-mnist, or synthetic (seeded CIFAR-shaped images made in memory).")
    String dataset;

    @Option(names = "--data", paramLabel = "URI",
            description = "Folder of the dataset's official files (or of the archive's top folder): a Hadoop URI "
                    + "(file://, hdfs://, s3a://) or a local path. Without it, CIFAR comes from the download cache.")
    String data;

    @Option(names = "--cache-dir", defaultValue = "${sys:user.home}/.cache/resnet-spark",
            description = "Where CIFAR archives are downloaded, checked and unpacked once, on the driver's machine.")
    Path cacheDir;

    @Option(names = "--offline", description = "Never download: a dataset missing from the cache is an error.")
    boolean offline;

    @Option(names = "--val-size", paramLabel = "N",
            description = "Training images held out for validation, drawn with the seed (default: 5000, or a tenth "
                    + "of the training images when that is fewer; 0 trains on all of them).")
    Integer validationSize;

    @Option(names = "--normalization", defaultValue = "pixel-mean",
            description = "pixel-mean (the paper: the training split's mean image), channel-mean-std, or none. "
                    + "Saved inside model.zip.")
    String normalization;

    @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N images of the training files.")
    Integer trainLimit;

    @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Training augmentation: pad 4 pixels of zeros, random crop, and flips (see --flip).")
    boolean augment;

    @Option(names = "--flip", negatable = true,
            description = "Random horizontal flips in the augmentation (default: on, off for mnist digits).")
    Boolean flip;

    @Option(names = "--train-size", defaultValue = "5120", description = "Training images of --dataset synthetic (and a tenth as many test images).")
    int syntheticTrainSize;

    /** Where the data came from, as run.json records it: what evaluate needs to read the same images again. */
    Map<String, Object> recorded() {
        Map<String, Object> where = new LinkedHashMap<>();
        where.put("uri", data);
        if (isSynthetic()) {
            where.put("train_size", syntheticTrainSize);
        }
        return where;
    }

    /**
     * Takes the dataset of a run's run.json where the command line names none: evaluate then reads
     * the images the model was trained on. Returns the dataset in effect.
     */
    String defaultFrom(Map<String, Object> runInfo, CommandLine.ParseResult given) {
        if (!given.hasMatchedOption("--dataset") && runInfo.get("dataset") instanceof String trained) {
            dataset = trained;
            if (runInfo.get("data") instanceof Map<?, ?> where) {
                if (!given.hasMatchedOption("--data") && where.get("uri") instanceof String uri) {
                    data = uri;
                }
                if (!given.hasMatchedOption("--train-size") && where.get("train_size") instanceof Number size) {
                    syntheticTrainSize = size.intValue();
                }
            }
        }
        return dataset.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private boolean isSynthetic() {
        return dataset.trim().equalsIgnoreCase(SYNTHETIC);
    }

    /**
     * Finds (or downloads) the dataset and applies the protocol: the files, sizes and headers are
     * checked here, the images are read by the executors ({@link DistributedData#check}).
     */
    DistributedData prepare(JavaSparkContext sc, long seed, PrintWriter log) throws IOException {
        Normalization.Mode mode = Normalization.Mode.parse(normalization);
        ImageSource trainFiles;
        ImageSource test;
        String name;
        boolean flipDefault;
        if (isSynthetic()) {
            if (syntheticTrainSize < 2) {
                throw new IllegalArgumentException("--train-size must be at least 2");
            }
            int testSize = Math.max(1, syntheticTrainSize / 10);
            ImageSource all = new SyntheticSource(InputShape.CIFAR, 10, seed, syntheticTrainSize + testSize);
            trainFiles = all.range(0, syntheticTrainSize);
            test = all.range(syntheticTrainSize, syntheticTrainSize + testSize);
            name = SYNTHETIC;
            flipDefault = true;
        } else {
            Dataset d = Dataset.parse(dataset);
            DataFolder folder = folder(d, sc.hadoopConfiguration(), log);
            trainFiles = d.source(folder, Dataset.Split.TRAIN);
            test = d.source(folder, Dataset.Split.TEST);
            log.printf("found %d training and %d test images of %s in %s%n", trainFiles.size(), test.size(),
                    d.cliName(), folder.uri());
            name = d.cliName();
            flipDefault = d.flipByDefault();
        }
        if (trainLimit != null) {
            if (trainLimit < 2) {
                throw new IllegalArgumentException("--train-limit must be at least 2, got " + trainLimit);
            }
            trainFiles = trainFiles.range(0, Math.min(trainLimit, trainFiles.size()));
        }
        int validation = validationSize != null ? validationSize
                : (int) Math.min(PAPER_VALIDATION_SIZE, trainFiles.size() / 10);
        Augmentation augmentation = augment ? Augmentation.paper(flip != null ? flip : flipDefault) : Augmentation.NONE;
        return DistributedData.of(sc, name, trainFiles, test, validation, mode, augmentation, seed);
    }

    private DataFolder folder(Dataset d, Configuration hadoop, PrintWriter log) throws IOException {
        if (data != null) {
            return DataFolder.at(data, hadoop);
        }
        log.flush();
        DatasetCache cache = new DatasetCache(cacheDir, offline, System.err, 2.0);
        Path unpacked = cache.prepare(d.archive());
        return DataFolder.at(unpacked.toString(), hadoop);
    }
}
