package org.resnetspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.resnetspark.data.Augmentation;
import org.resnetspark.data.DataFolder;
import org.resnetspark.data.Dataset;
import org.resnetspark.data.DatasetCache;
import org.resnetspark.data.ImageFiles;
import org.resnetspark.data.ImageFolders;
import org.resnetspark.data.ImageSource;
import org.resnetspark.data.InputShape;
import org.resnetspark.data.Normalization;
import org.resnetspark.data.SyntheticDatasets;
import org.resnetspark.data.SyntheticSource;
import org.resnetspark.spark.data.DistributedData;
import org.resnetspark.training.RunRecord;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Which dataset, where from, and how its images are prepared (a picocli mixin of train, evaluate
 * and benchmark): one option group, one meaning and default for each flag in every command.
 */
final class DataOptions {

    static final String SYNTHETIC = "synthetic";
    static final String FOLDER = "folder";
    @Option(names = "--dataset", defaultValue = SYNTHETIC,
            description = "cifar10, cifar100 (either the binary or the python version, found from the files), mnist, "
                    + "fashion-mnist, imagenet32, imagenet64 (Downsampled ImageNet's pickles or .npz files; --data "
                    + "required), folder (PNG/JPEG images in one subfolder per class at --data: train/ and test/ or "
                    + "val/ trees, Tiny ImageNet's layout, or one tree whose test split is held out with the seed), or "
                    + "synthetic (seeded CIFAR-shaped images made in memory).")
    String dataset;

    @Option(names = "--resize", paramLabel = "HxW",
            description = "--dataset folder: resample every image to HxW (or NxN for one number) with "
                    + ImageFiles.RESAMPLING + ". Without it all images must be the size of the first training image.")
    String resize;

    @Option(names = "--data", paramLabel = "URI",
            description = "Folder of the dataset's official files (or of the archive's top folder): a Hadoop URI "
                    + "(file://, hdfs://, s3a://) or a local path. Without it, CIFAR comes from the download cache.")
    String data;

    @Option(names = "--cache-dir", defaultValue = "${sys:user.home}/.cache/resnet-spark",
            description = "Where CIFAR archives are downloaded, checked and unpacked once, on the driver's machine.")
    Path cacheDir;

    @Option(names = "--offline", description = "Never download: a dataset missing from the cache is an error.")
    boolean offline;

    @Option(names = "--normalization", defaultValue = "pixel-mean",
            description = "pixel-mean (the paper: the training split's mean image), channel-mean-std, or none. "
                    + "Saved inside model.zip.")
    String normalization;

    @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Training augmentation: pad 4 pixels of zeros, random crop, and flips (see --flip). 4 pixels "
                    + "at every size, 64x64 included, as the Downsampled ImageNet authors' WRN code does "
                    + "(Imagenet32_Scripts, WRNs_imagenet.py).")
    boolean augment;

    @Option(names = "--flip", negatable = true,
            description = "Random horizontal flips in the augmentation (default: on, off for mnist digits).")
    Boolean flip;

    @Option(names = "--train-size", defaultValue = "5120", description = "Training images of --dataset synthetic (and a tenth as many test images).")
    int syntheticTrainSize;

    /** Where the data came from, as run.json records it: what evaluate needs to read the same images again. */
    RunRecord.DataLocation recorded() {
        return new RunRecord.DataLocation(data, isSynthetic() ? syntheticTrainSize : null, resize);
    }

    /**
     * Takes the dataset of a run's run.json where the command line names none: evaluate then reads
     * the images the model was trained on. Returns the dataset in effect.
     */
    String defaultFrom(RunRecord.Setup run, CommandLine.ParseResult given) {
        if (!given.hasMatchedOption("--dataset") && run != null && run.dataset() != null) {
            dataset = run.dataset();
            RunRecord.DataLocation where = run.data();
            if (where != null) {
                if (!given.hasMatchedOption("--data") && where.uri() != null) {
                    data = where.uri();
                }
                if (!given.hasMatchedOption("--train-size") && where.trainSize() != null) {
                    syntheticTrainSize = where.trainSize();
                }
                if (!given.hasMatchedOption("--resize") && where.resize() != null) {
                    resize = where.resize();
                }
            }
        }
        return dataset.trim().toLowerCase(java.util.Locale.ROOT);
    }

    boolean isSynthetic() {
        return dataset.trim().equalsIgnoreCase(SYNTHETIC);
    }

    boolean isFolder() {
        return dataset.trim().equalsIgnoreCase(FOLDER);
    }

    /**
     * Finds (or downloads) the dataset and applies the protocol: the files, sizes and headers are
     * checked here, the images are read by the executors ({@link DistributedData#check}).
     */
    DistributedData prepare(JavaSparkContext sc, SplitOptions split, long seed, PrintWriter log) throws IOException {
        Normalization.Mode mode = Normalization.Mode.parse(normalization);
        Sources sources = sources(sc.hadoopConfiguration(), seed, log);
        ImageSource trainFiles = split.limit(sources.train());
        return DistributedData.of(sc, sources.name(), trainFiles, sources.test(), split.validationSize(trainFiles.size()),
                mode, augmentation(sources.flipByDefault()), seed);
    }

    /** The chosen dataset's training files and test split, found and checked here, read by whoever reads them. */
    record Sources(String name, ImageSource train, ImageSource test, boolean flipByDefault) {
    }

    /** Finds (or downloads) the dataset: its file names, sizes and headers are checked, no image is read. */
    Sources sources(Configuration hadoop, long seed, PrintWriter log) throws IOException {
        if (resize != null && !isFolder()) {
            throw new IllegalArgumentException("--resize is for --dataset folder: " + dataset + " has images of one size.");
        }
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
        } else if (isFolder()) {
            if (data == null) {
                throw new IllegalArgumentException("--dataset folder needs --data URI: the folder of class subfolders.");
            }
            DataFolder folder = DataFolder.at(data, hadoop);
            ImageFolders.Splits splits = ImageFolders.find(folder, resize == null ? null : ImageFolders.parseSize(resize), seed);
            trainFiles = splits.train();
            test = splits.test();
            log.printf("found %d training and %d test images in %s: %s%n", trainFiles.size(), test.size(), folder.uri(),
                    splits.layout());
            name = FOLDER;
            flipDefault = true;
        } else {
            Dataset d = Dataset.parse(dataset);
            DataFolder folder = folder(d, hadoop, log);
            trainFiles = d.source(folder, Dataset.Split.TRAIN);
            test = d.source(folder, Dataset.Split.TEST);
            log.printf("found %d training and %d test images of %s (%s) in %s%n", trainFiles.size(), test.size(),
                    d.cliName(), d.version(folder), folder.uri());
            name = d.cliName();
            flipDefault = d.flipByDefault();
        }
        return new Sources(name, trainFiles, test, flipDefault);
    }

    Normalization.Mode normalizationMode() {
        return Normalization.Mode.parse(normalization);
    }

    /** The training augmentation: the paper's unless --no-augment, flips by --flip or the dataset's default. */
    Augmentation augmentation(boolean flipDefault) {
        return augment ? Augmentation.paper(flip != null ? flip : flipDefault) : Augmentation.NONE;
    }

    /** --train-size synthetic images in CIFAR-10's files, in a new temporary folder (the caller deletes it). */
    java.nio.file.Path writeSyntheticFiles(long seed) throws IOException {
        java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("synthetic-cifar10");
        SyntheticDatasets.writeFiles(Dataset.CIFAR10, folder, syntheticTrainSize, 1, seed, false);
        return folder;
    }

    /** The folder of a dataset's official files: --data, or the download cache. */
    DataFolder folder(Dataset d, Configuration hadoop, PrintWriter log) throws IOException {
        if (data != null) {
            return DataFolder.at(data, hadoop);
        }
        log.flush();
        DatasetCache cache = new DatasetCache(cacheDir, offline, System.err, 2.0);
        Path unpacked = cache.prepare(d.archives());
        return DataFolder.at(unpacked.toString(), hadoop);
    }
}
