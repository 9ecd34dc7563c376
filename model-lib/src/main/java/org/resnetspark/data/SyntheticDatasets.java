package org.resnetspark.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Seeded synthetic datasets in each official format, for tests and for demos without network
 * access, drawn by {@link SyntheticSource}.
 */
public final class SyntheticDatasets {

    private SyntheticDatasets() {
    }

    /** {@code count} images with random labels; the class patterns depend only on {@code seed}. */
    public static ImageSet images(InputShape shape, int numClasses, int count, long seed) {
        return new SyntheticSource(shape, numClasses, seed, count).generate(0, count);
    }

    /**
     * The files in a folder that carry an official dataset file name (any dataset, any split,
     * gzip or not, or a publisher's archive): data that synthetic files must never replace.
     */
    public static List<String> datasetFilesIn(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        for (Dataset dataset : Dataset.values()) {
            List<String> names = new ArrayList<>(dataset.fileNames(Dataset.Split.TRAIN));
            names.addAll(dataset.fileNames(Dataset.Split.TEST));
            if (dataset.isCifar()) {
                names.add(dataset.archive().fileName());
            }
            for (String name : names) {
                for (String candidate : List.of(name, name + ".gz")) {
                    if (Files.exists(dir.resolve(candidate)) && !found.contains(candidate)) {
                        found.add(candidate);
                    }
                }
            }
        }
        return found;
    }

    /**
     * Writes {@code train} training and {@code test} test images of {@code dataset} into {@code dir}
     * under the official names (CIFAR-10's training images spread over its five batch files; IDX
     * gzip-compressed with the .gz name when {@code gzip}). Returns the files written.
     */
    public static List<Path> writeFiles(Dataset dataset, Path dir, int train, int test, long seed, boolean gzip)
            throws IOException {
        if (!dataset.isCifar() && !dataset.isIdx()) {
            throw new IllegalArgumentException("generate-data writes CIFAR's binary files and MNIST's IDX files, not "
                    + dataset.cliName() + "'s pickles: use --dataset cifar10, cifar100, mnist or fashion-mnist.");
        }
        Files.createDirectories(dir);
        ImageSet all = images(dataset.shape(), dataset.numClasses(), train + test, seed);
        List<Path> written = new ArrayList<>();
        written.addAll(writeSplit(dataset, Dataset.Split.TRAIN, all.slice(0, train), dir, gzip));
        written.addAll(writeSplit(dataset, Dataset.Split.TEST, all.slice(train, train + test), dir, gzip));
        return written;
    }

    private static List<Path> writeSplit(Dataset dataset, Dataset.Split split, ImageSet images, Path dir, boolean gzip)
            throws IOException {
        List<String> names = dataset.fileNames(split);
        List<Path> written = new ArrayList<>();
        if (dataset.isCifar()) {
            // Spread the images over the split's files as evenly as whole images allow.
            for (int f = 0; f < names.size(); f++) {
                ImageSet part = images.slice(images.size() * f / names.size(), images.size() * (f + 1) / names.size());
                Path file = dir.resolve(names.get(f));
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                    dataset.cifarFormat().write(part, out);
                }
                written.add(file);
            }
            return written;
        }
        String suffix = gzip ? ".gz" : "";
        Path imagesFile = dir.resolve(names.get(0) + suffix);
        Path labelsFile = dir.resolve(names.get(1) + suffix);
        try (OutputStream out = open(imagesFile, gzip)) {
            IdxFormat.writeImages(images, out);
        }
        try (OutputStream out = open(labelsFile, gzip)) {
            IdxFormat.writeLabels(images, out);
        }
        return List.of(imagesFile, labelsFile);
    }

    private static OutputStream open(Path file, boolean gzip) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file));
        return gzip ? new GZIPOutputStream(out, 1 << 16) : out;
    }

    /**
     * A synthetic stand-in for a CIFAR publisher's archive: a tar.gz holding the archive's folder
     * with the official file names, as the download cache expects it.
     */
    public static void writeArchive(Dataset dataset, Path archive, int train, int test, long seed) throws IOException {
        String folder = dataset.archive().folder();
        Path staging = Files.createTempDirectory("synthetic-archive");
        try {
            List<Path> files = writeFiles(dataset, staging, train, test, seed, false);
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                    new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(archive))))) {
                tar.putArchiveEntry(new TarArchiveEntry(folder + "/"));
                tar.closeArchiveEntry();
                for (Path file : files) {
                    tar.putArchiveEntry(tar.createArchiveEntry(file.toFile(), folder + "/" + file.getFileName()));
                    Files.copy(file, tar);
                    tar.closeArchiveEntry();
                }
            }
        } finally {
            LocalFiles.deleteRecursively(staging);
        }
    }
}
