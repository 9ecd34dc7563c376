package org.resnetspark.data;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The datasets with an official file format: their shape, classes, file names and, for CIFAR,
 * the publisher's archive. A folder may hold the files themselves or the archive's top folder.
 */
public enum Dataset {

    CIFAR10("cifar10", InputShape.CIFAR, 10, true, CifarBinary.CIFAR10,
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
            List.of("test_batch.bin"),
            new Archive("cifar-10-binary.tar.gz", URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
                    "c32a1d4ab5d03f1284b67883e8d87530", "cifar-10-batches-bin")),
    CIFAR100("cifar100", InputShape.CIFAR, 100, true, CifarBinary.CIFAR100,
            List.of("train.bin"), List.of("test.bin"),
            new Archive("cifar-100-binary.tar.gz", URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"),
                    "03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary")),
    /** Digits: a flipped 2 is not a 2, so no flips by default. */
    MNIST("mnist", InputShape.MNIST, 10, false, null, List.of(), List.of(), null),
    FASHION_MNIST("fashion-mnist", InputShape.MNIST, 10, true, null, List.of(), List.of(), null);

    /** A publisher's archive: where it is, its md5, and the folder it unpacks to. */
    public record Archive(String fileName, URI url, String md5, String folder) {
        public Archive withUrl(URI otherUrl) {
            return new Archive(fileName, otherUrl, md5, folder);
        }
    }

    public enum Split {
        TRAIN, TEST
    }

    private final String cliName;
    private final InputShape shape;
    private final int numClasses;
    private final boolean flipByDefault;
    private final CifarBinary cifar;
    private final List<String> trainFiles;
    private final List<String> testFiles;
    private final Archive archive;

    Dataset(String cliName, InputShape shape, int numClasses, boolean flipByDefault, CifarBinary cifar,
            List<String> trainFiles, List<String> testFiles, Archive archive) {
        this.cliName = cliName;
        this.shape = shape;
        this.numClasses = numClasses;
        this.flipByDefault = flipByDefault;
        this.cifar = cifar;
        this.trainFiles = trainFiles;
        this.testFiles = testFiles;
        this.archive = archive;
    }

    public static Dataset parse(String name) {
        for (Dataset d : values()) {
            if (d.cliName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("Unknown dataset '" + name + "'. Accepted: " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Dataset::cliName).collect(Collectors.joining(", "));
    }

    public String cliName() {
        return cliName;
    }

    public InputShape shape() {
        return shape;
    }

    public int numClasses() {
        return numClasses;
    }

    public boolean flipByDefault() {
        return flipByDefault;
    }

    public boolean isCifar() {
        return cifar != null;
    }

    CifarBinary cifarFormat() {
        return cifar;
    }

    /** The publisher's archive, for the download cache; CIFAR only. */
    public Archive archive() {
        if (archive == null) {
            throw new IllegalArgumentException(cliName + " is not downloaded by this program: pass --data with the "
                    + "folder of its IDX files (e.g. Debian's dataset-fashion-mnist installs Fashion-MNIST under "
                    + "/usr/share/datasets/fashion-mnist).");
        }
        return archive;
    }

    /** The official file names of a split (IDX names without .gz; the gzip form is found too). */
    public List<String> fileNames(Split split) {
        if (isCifar()) {
            return split == Split.TRAIN ? trainFiles : testFiles;
        }
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        return List.of(prefix + "-images-idx3-ubyte", prefix + "-labels-idx1-ubyte");
    }

    /** Reads and checks one split from {@code folder} (or from its archive subfolder, when that is what it holds). */
    public ImageSet read(DataFolder folder, Split split) throws IOException {
        return source(folder, split).readAll(folder.hadoop());
    }

    /**
     * One split of {@code folder} (or of its archive subfolder, when that is what it holds), to be
     * read in parts: the files are found and their sizes and headers checked here, the images
     * and labels only when a part is read.
     */
    public ImageSource source(DataFolder folder, Split split) throws IOException {
        String first = fileNames(split).get(0);
        if (folder.find(first, first + ".gz").isEmpty() && archive != null
                && folder.subfolder(archive.folder()).find(first).isPresent()) {
            folder = folder.subfolder(archive.folder());
        }
        String what = cliName + " " + split.name().toLowerCase(Locale.ROOT) + " data";
        if (isCifar()) {
            List<CifarSource.FileSpan> files = new ArrayList<>();
            for (String name : fileNames(split)) {
                DataFile file = folder.require(what, name);
                files.add(new CifarSource.FileSpan(file.uri(), cifar.records(file)));
            }
            return new CifarSource(cifar, files);
        }
        String images = fileNames(split).get(0);
        String labels = fileNames(split).get(1);
        return IdxFormat.source(folder.require(what, images, images + ".gz"), folder.require(what, labels, labels + ".gz"),
                shape, numClasses);
    }
}
