package org.resnetspark.data;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The datasets with an official file format: their shape, classes, file names and, for CIFAR,
 * the publisher's archives. A folder may hold the files themselves or the archive's top folder.
 * CIFAR comes in two versions, binary records and Python pickles; a folder may hold either, and
 * the binary one is read when it holds both. Downsampled ImageNet (Chrabaszcz, Loshchilov and
 * Hutter 2017) comes as pickles or as {@code .npz} archives, behind a login: never downloaded.
 */
public enum Dataset {

    CIFAR10("cifar10", InputShape.CIFAR, 10, true, CifarBinary.CIFAR10,
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
            List.of("test_batch.bin"),
            new Archive("cifar-10-binary.tar.gz", URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
                    "c32a1d4ab5d03f1284b67883e8d87530", "cifar-10-batches-bin"),
            new NumpyFiles("CIFAR-10 python version",
                    List.of("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5"),
                    List.of("test_batch"), "labels", 0, List.of("cifar-10-batches-py"),
                    new Archive("cifar-10-python.tar.gz", URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"),
                            "c58f30108f718f92721af3b95e74349a", "cifar-10-batches-py"))),
    CIFAR100("cifar100", InputShape.CIFAR, 100, true, CifarBinary.CIFAR100,
            List.of("train.bin"), List.of("test.bin"),
            new Archive("cifar-100-binary.tar.gz", URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"),
                    "03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary"),
            new NumpyFiles("CIFAR-100 python version", List.of("train"), List.of("test"), "fine_labels", 0,
                    List.of("cifar-100-python"),
                    new Archive("cifar-100-python.tar.gz", URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"),
                            "eb9058c3a382ffc7106e4002c42a8d85", "cifar-100-python"))),
    /** Digits: a flipped 2 is not a 2, so no flips by default. */
    MNIST("mnist", InputShape.MNIST, 10, false, null, List.of(), List.of(), null, null),
    FASHION_MNIST("fashion-mnist", InputShape.MNIST, 10, true, null, List.of(), List.of(), null, null),
    IMAGENET32("imagenet32", new InputShape(3, 32, 32), 1000, true, null, List.of(), List.of(), null,
            NumpyFiles.downsampledImageNet(32, "Imagenet32_train", "Imagenet32_val")),
    IMAGENET64("imagenet64", new InputShape(3, 64, 64), 1000, true, null, List.of(), List.of(), null,
            NumpyFiles.downsampledImageNet(64, "Imagenet64_train_part1", "Imagenet64_train_part2", "Imagenet64_val"));

    /** A publisher's archive: where it is, its md5, and the folder it unpacks to. */
    public record Archive(String fileName, URI url, String md5, String folder) {
        public Archive withUrl(URI otherUrl) {
            return new Archive(fileName, otherUrl, md5, folder);
        }
    }

    /**
     * A version of a dataset in files of NumPy arrays (see {@link NumpyBatchSource}): each split's
     * file names (each also read as {@code NAME.npz}), the folders the publisher's archives unpack
     * to (searched after the folder itself), the labels' key and smallest value, and the
     * publisher's archive when there is one to download.
     */
    public record NumpyFiles(String name, List<String> train, List<String> test, String labelKey, int firstLabel,
                             List<String> folders, Archive archive) {

        /** Ten training batches and the validation file, in the folders of the pickle and npz downloads. */
        static NumpyFiles downsampledImageNet(int size, String... folders) {
            List<String> subfolders = new ArrayList<>();
            for (String folder : folders) {
                subfolders.add(folder);
                subfolders.add(folder + "_npz");
            }
            return new NumpyFiles("Downsampled ImageNet " + size + "x" + size,
                    IntStream.rangeClosed(1, 10).mapToObj(i -> "train_data_batch_" + i).toList(), List.of("val_data"),
                    "labels", 1, subfolders, null);
        }

        List<String> fileNames(Split split) {
            return split == Split.TRAIN ? train : test;
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
    private final NumpyFiles numpy;

    Dataset(String cliName, InputShape shape, int numClasses, boolean flipByDefault, CifarBinary cifar,
            List<String> trainFiles, List<String> testFiles, Archive archive, NumpyFiles numpy) {
        this.cliName = cliName;
        this.shape = shape;
        this.numClasses = numClasses;
        this.flipByDefault = flipByDefault;
        this.cifar = cifar;
        this.trainFiles = trainFiles;
        this.testFiles = testFiles;
        this.archive = archive;
        this.numpy = numpy;
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

    /** Whether its files are MNIST's IDX format. */
    public boolean isIdx() {
        return cifar == null && numpy == null;
    }

    /** The publisher's binary archive, which the download cache fetches; CIFAR only. */
    public Archive archive() {
        if (archive == null) {
            throw new IllegalArgumentException(numpy != null
                    ? cliName + " is not downloaded by this program: ImageNet's downsampled sets need an ImageNet "
                    + "account. Download " + numpy.folders().get(0) + ".zip and the other archives of the "
                    + numpy.name() + " set (pickles or _npz) from https://image-net.org/download-images, unzip "
                    + "them into one folder and pass it as --data."
                    : cliName + " is not downloaded by this program: pass --data with the "
                    + "folder of its IDX files (e.g. Debian's dataset-fashion-mnist installs Fashion-MNIST under "
                    + "/usr/share/datasets/fashion-mnist).");
        }
        return archive;
    }

    /**
     * The publisher's archives the download cache may hold, the one it downloads first: CIFAR's
     * binary version, then its python version (used when it is the one in the cache).
     */
    public List<Archive> archives() {
        List<Archive> archives = new ArrayList<>(List.of(archive()));
        if (numpy != null && numpy.archive() != null) {
            archives.add(numpy.archive());
        }
        return archives;
    }

    /** The official file names of a split (IDX names without .gz, NumPy names without .npz: those are found too). */
    public List<String> fileNames(Split split) {
        if (isCifar()) {
            return split == Split.TRAIN ? trainFiles : testFiles;
        }
        if (numpy != null) {
            return numpy.fileNames(split);
        }
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        return List.of(prefix + "-images-idx3-ubyte", prefix + "-labels-idx1-ubyte");
    }

    /** Which version of the dataset {@code folder} holds, as the log says it: the one {@link #source} reads. */
    public String version(DataFolder folder) throws IOException {
        if (numpyIn(folder) != null) {
            return numpy.name();
        }
        return isCifar() ? cifar.name() + " binary version" : "IDX files";
    }

    /** The NumPy version when it is what {@code folder} holds: CIFAR's binary files win when both are there. */
    private NumpyFiles numpyIn(DataFolder folder) throws IOException {
        if (numpy == null) {
            return null;
        }
        if (!isCifar()) {
            return numpy;
        }
        for (String binary : List.of(trainFiles.get(0), testFiles.get(0))) {
            if (folder.find(binary).isPresent() || folder.subfolder(archive.folder()).find(binary).isPresent()) {
                return null;
            }
        }
        for (String name : List.of(numpy.train().get(0), numpy.test().get(0))) {
            if (findNumpy(folder, name).isPresent()) {
                return numpy;
            }
        }
        return null;
    }

    /** A NumPy file, as NAME or NAME.npz, in the folder or else in the first of the archives' folders that has it. */
    private Optional<DataFile> findNumpy(DataFolder folder, String name) throws IOException {
        Optional<DataFile> found = folder.find(name, name + ".npz");
        for (int i = 0; i < numpy.folders().size() && found.isEmpty(); i++) {
            found = folder.subfolder(numpy.folders().get(i)).find(name, name + ".npz");
        }
        return found;
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
        String what = cliName + " " + split.name().toLowerCase(Locale.ROOT) + " data";
        NumpyFiles version = numpyIn(folder);
        if (version != null) {
            List<DataFile> files = new ArrayList<>();
            for (String name : version.fileNames(split)) {
                Optional<DataFile> file = findNumpy(folder, name);
                files.add(file.isPresent() ? file.get() : folder.require(what + " (" + version.name() + ", looked for "
                        + "in the folder and its subfolders " + String.join(", ", version.folders()) + ")", name,
                        name + ".npz"));
            }
            return NumpyBatchSource.of(version.name(), files, shape, numClasses, version.labelKey(),
                    version.firstLabel(), folder.hadoop());
        }
        String first = fileNames(split).get(0);
        if (folder.find(first, first + ".gz").isEmpty() && archive != null
                && folder.subfolder(archive.folder()).find(first).isPresent()) {
            folder = folder.subfolder(archive.folder());
        }
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
