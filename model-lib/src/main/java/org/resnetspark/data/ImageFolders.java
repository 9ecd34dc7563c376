package org.resnetspark.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the images of a folder of class subfolders (PNG or JPEG) and makes its two splits, in
 * one of three layouts:
 * <ul>
 * <li>{@code train/<class>/...} and {@code test/<class>/...} (or {@code val/}), as CINIC-10;
 * <li>Tiny ImageNet's: {@code train/<wnid>/images/*.JPEG}, and {@code val/images/} labelled by
 *     {@code val/val_annotations.txt} as the test split (its own {@code test/} has no labels);
 * <li>a single tree {@code <class>/...}: a tenth of the images, drawn with the seed, is the test split.
 * </ul>
 * Classes are the training tree's subfolders in sorted order (label i is the i-th name), images
 * are found at any depth below their class folder, hidden files and other files are left out.
 * Only names are listed here (two listing calls per tree) and one image header read, the first
 * training image's, whose size becomes the set's: checking 100k headers would mean 100k reads
 * on the driver, over the network for s3a://, while the executors read every image anyway
 * before the first epoch ({@code DistributedData.check}) and name any file of another size.
 */
public final class ImageFolders {

    /** A single tree's test split: one image in this many. */
    static final int TEST_SHARE = 10;

    /** The two splits and, for the log, the layout they were found in. */
    public record Splits(ImageFolderSource train, ImageFolderSource test, String layout) {
    }

    private ImageFolders() {
    }

    /** {@code HxW} or {@code N} (square), as 3-channel images of that size. */
    public static InputShape parseSize(String size) {
        String[] parts = size.trim().toLowerCase(Locale.ROOT).split("x", -1);
        try {
            if (parts.length <= 2) {
                int height = Integer.parseInt(parts[0].trim());
                int width = Integer.parseInt(parts[parts.length - 1].trim());
                if (height > 0 && width > 0) {
                    return new InputShape(3, height, width);
                }
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--resize takes HxW or N pixels (e.g. 64x64, or 32 for 32x32), not '" + size + "'");
    }

    /**
     * The training and test splits of {@code root}; every image of {@code resize}'s size (resampled)
     * or, without it, of the first training image's. {@code seed} draws a single tree's test split.
     */
    public static Splits find(DataFolder root, InputShape resize, long seed) throws IOException {
        List<String> top = root.subfolders();
        if (!top.contains("train")) {
            return singleTree(root, resize, seed);
        }
        DataFolder train = root.subfolder("train");
        List<String> classes = train.subfolders();
        List<ImageFolderSource.Image> trainImages = interleave(imagesByClass(root, "train", classes));
        List<ImageFolderSource.Image> testImages;
        String layout;
        Optional<DataFile> annotations = root.subfolder("val").find("val_annotations.txt");
        if (annotations.isPresent()) {
            testImages = interleave(annotatedByClass(root, annotations.get(), classes));
            layout = "Tiny ImageNet's layout: train/<class>/ for training, val/images/ labelled by "
                    + "val/val_annotations.txt as the test split";
        } else {
            String testFolder = top.contains("test") ? "test" : "val";
            if (!top.contains(testFolder)) {
                throw new BadInputException(root.uri() + " holds train/ but neither test/ nor val/ ("
                        + root.describeContents() + "): add the test images as test/<class>/..., or give --data "
                        + train.uri() + " to hold a test split out of the training images.");
            }
            testImages = interleave(imagesByClass(root, testFolder, classes));
            layout = "train/<class>/ for training, " + testFolder + "/<class>/ as the test split";
        }
        return splits(root, classes, trainImages, testImages, layout, resize);
    }

    private static Splits singleTree(DataFolder root, InputShape resize, long seed) throws IOException {
        List<String> classes = root.subfolders();
        List<ImageFolderSource.Image> all = interleave(imagesByClass(root, null, classes));
        if (all.size() < 2) {
            throw new BadInputException(root.uri() + " holds " + all.size() + " image: a training and a test split "
                    + "need at least 2.");
        }
        int testSize = Math.max(1, all.size() / TEST_SHARE);
        int[] order = Batches.permutation(all.size(), Seeds.mix(seed, Seeds.FOLDER_TEST_SPLIT));
        boolean[] isTest = new boolean[all.size()];
        for (int i = 0; i < testSize; i++) {
            isTest[order[i]] = true;
        }
        List<ImageFolderSource.Image> train = new ArrayList<>();
        List<ImageFolderSource.Image> test = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (isTest[i] ? test : train).add(all.get(i));
        }
        String layout = "one tree of class folders (no train/ folder): " + testSize + " of its " + all.size()
                + " images (a tenth) held out with seed " + seed + " as the test split";
        return splits(root, classes, train, test, layout, resize);
    }

    private static Splits splits(DataFolder root, List<String> classes, List<ImageFolderSource.Image> train,
                                 List<ImageFolderSource.Image> test, String layout, InputShape resize) throws IOException {
        String first = root.uri() + "/" + train.get(0).path();
        InputShape shape = resize != null ? resize : ImageFiles.shape(first, root.hadoop());
        String sizes = resize != null ? "every image resized to " + shape.height() + "x" + shape.width() + ", "
                + ImageFiles.RESAMPLING : "images of " + shape.height() + "x" + shape.width() + " (the first training image's size)";
        return new Splits(new ImageFolderSource(root.uri(), "training", train, classes, shape, resize != null, first),
                new ImageFolderSource(root.uri(), "test", test, classes, shape, resize != null, first),
                layout + "; " + classes.size() + " classes; " + sizes);
    }

    /**
     * The images below each class folder of {@code tree} (a subfolder of {@code root}, or root
     * itself when null), as paths relative to root, by label. Each of its class folders must hold
     * images; a test tree may lack classes, but may not have classes of its own.
     */
    private static List<List<String>> imagesByClass(DataFolder root, String tree, List<String> classes)
            throws IOException {
        DataFolder folder = tree == null ? root : root.subfolder(tree);
        List<String> folders = folder.subfolders();
        if (folders.isEmpty()) {
            throw new BadInputException(folder.uri() + " has no class folders (" + folder.describeContents() + "): put "
                    + "each class's PNG or JPEG images in a subfolder named after the class.");
        }
        Map<String, Integer> labels = labels(classes);
        List<List<String>> byClass = emptyLists(classes.size());
        for (String file : folder.filesBelow()) {
            int slash = file.indexOf('/');
            Integer label = slash < 0 ? null : labels.get(file.substring(0, slash));
            if (label != null && isImage(file)) {
                byClass.get(label).add(tree == null ? file : tree + "/" + file);
            }
        }
        for (String name : folders) {
            if (!labels.containsKey(name)) {
                throw new BadInputException(folder.uri() + "/" + name + " is a class that the training images do not "
                        + "have (their classes: " + String.join(", ", classes) + "). Rename or remove the folder.");
            }
            if (byClass.get(labels.get(name)).isEmpty()) {
                throw new BadInputException(folder.uri() + "/" + name + " holds no PNG or JPEG image (.png, .jpg, "
                        + ".jpeg): add its images or remove the folder.");
            }
        }
        return byClass;
    }

    /** Tiny ImageNet's validation images: val/images/NAME, labelled by lines "NAME\tWNID\t(box)" of val_annotations.txt. */
    private static List<List<String>> annotatedByClass(DataFolder root, DataFile annotations, List<String> classes)
            throws IOException {
        Set<String> present = new HashSet<>(root.subfolder("val/images").filesBelow());
        Map<String, Integer> labels = labels(classes);
        List<List<String>> byClass = emptyLists(classes.size());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(annotations.open(), StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.trim().split("\\s+");
                Integer label = fields.length < 2 ? null : labels.get(fields[1]);
                if (label == null) {
                    throw new BadInputException(annotations.uri() + " line " + number + " ('" + line.strip() + "') "
                            + (fields.length < 2 ? "is not 'FILE<tab>CLASS ...'" : "names a class that train/ does not have")
                            + ". Fix the line, or use the annotations that came with the images.");
                }
                if (!present.contains(fields[0])) {
                    throw new BadInputException(annotations.uri() + " line " + number + " names " + fields[0]
                            + ", which is not in " + root.subfolder("val/images").uri() + ". Restore the image or remove the line.");
                }
                byClass.get(label).add("val/images/" + fields[0]);
            }
        }
        byClass.forEach(images -> images.sort(null));
        return byClass;
    }

    /** Each class name's label: its place in the sorted list. */
    private static Map<String, Integer> labels(List<String> classes) {
        Map<String, Integer> labels = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            labels.put(classes.get(i), i);
        }
        return labels;
    }

    private static List<List<String>> emptyLists(int count) {
        List<List<String>> lists = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lists.add(new ArrayList<>());
        }
        return lists;
    }

    /**
     * The images of every class in turn: the first of each class, then the second of each, ...
     * A fixed order that needs no seed, and any prefix of it (--train-limit) keeps the classes balanced.
     */
    private static List<ImageFolderSource.Image> interleave(List<List<String>> byClass) {
        List<ImageFolderSource.Image> images = new ArrayList<>();
        int longest = byClass.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (int label = 0; label < byClass.size(); label++) {
                if (i < byClass.get(label).size()) {
                    images.add(new ImageFolderSource.Image(byClass.get(label).get(i), label));
                }
            }
        }
        return images;
    }

    private static boolean isImage(String file) {
        String name = file.toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }
}
