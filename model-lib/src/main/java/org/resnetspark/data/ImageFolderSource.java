package org.resnetspark.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * A split of a folder of PNG and JPEG images ({@link ImageFolders} finds them): each image one
 * file, read and decoded by whoever reads its part. Every image must have the set's size, the
 * first training image's ({@code sizedBy}), unless {@code resize} says to resample the others.
 *
 * @param root       the folder the image paths are relative to
 * @param split      which split this is, for messages
 * @param images     the images in the set's order, with their labels
 * @param classNames the class names in label order
 * @param shape      the images' shape after decoding: 3 channels, the set's height and width
 * @param resize     resample images of another size (otherwise they are an error)
 * @param sizedBy    the image whose size the set took, for the message when another differs
 */
public record ImageFolderSource(String root, String split, List<Image> images, List<String> classNames,
                                InputShape shape, boolean resize, String sizedBy) implements ImageSource {

    /** One image file, relative to the root, and its label. */
    public record Image(String path, int label) implements Serializable {
    }

    public ImageFolderSource {
        images = List.copyOf(images);   // also makes a sublist serializable
        classNames = List.copyOf(classNames);
    }

    @Override
    public int numClasses() {
        return classNames.size();
    }

    @Override
    public long size() {
        return images.size();
    }

    @Override
    public String describe() {
        return images.size() + " " + split + " images in " + root;
    }

    public String uri(Image image) {
        return root + "/" + image.path();
    }

    /** Only the part's own file names travel with a read task: a big folder's list stays on the driver. */
    @Override
    public ImageSource range(long from, long to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("Images " + from + " to " + to + " are not within the "
                    + size() + " of " + describe());
        }
        return new ImageFolderSource(root, split, images.subList((int) from, (int) to), classNames, shape, resize, sizedBy);
    }

    @Override
    public ImageSet read(long from, int count, Configuration hadoop) throws IOException {
        if (from < 0 || from + count > size()) {
            throw new IllegalArgumentException("Images " + from + " to " + (from + count) + " are beyond the "
                    + size() + " of " + describe());
        }
        byte[] pixels = ImageSet.allocate(shape, count, describe());
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            Image image = images.get((int) from + i);
            String uri = uri(image);
            ImageFiles.Rgb rgb = ImageFiles.read(uri, hadoop);
            if (rgb.height() != shape.height() || rgb.width() != shape.width()) {
                if (!resize) {
                    throw new BadInputException(uri + " is " + rgb.height() + "x" + rgb.width() + " (height x width), "
                            + "but the images of " + root + " are " + shape.height() + "x" + shape.width()
                            + ", the size of the first training image, " + sizedBy + ". Give --resize HxW to resample "
                            + "every image to one size, or remove the file.");
                }
                rgb = rgb.resized(shape.height(), shape.width());
            }
            rgb.writePlanar(pixels, i * imageBytes());
            labels[i] = image.label();
        }
        return new ImageSet(shape, numClasses(), pixels, labels);
    }
}
