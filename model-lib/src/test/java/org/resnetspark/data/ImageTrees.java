package org.resnetspark.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Small folders of real PNG and JPEG files, written with ImageIO, for the image folder tests. */
public final class ImageTrees {

    /** Class i's colour (0xRRGGBB): far apart, so that a small network tells them apart at once. */
    public static final int[] COLOURS = {0xE02020, 0x20C040, 0x2040E0, 0xE0E020};

    private ImageTrees() {
    }

    /** An image of one colour, as PNG or JPEG by the file's extension; returns the file. */
    public static Path write(Path file, int height, int width, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return write(file, image);
    }

    public static Path write(Path file, BufferedImage image) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(image, name.endsWith(".png") ? "png" : "jpeg", file.toFile())) {
                throw new IllegalStateException("No ImageIO writer for " + file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * {@code perClass} images of each class in {@code dir/<class>/}, named {@code <class>_<j>.<extension>},
     * of the class's colour at a brightness that varies from image to image.
     */
    public static void writeTree(Path dir, List<String> classes, int perClass, int height, int width, String extension) {
        for (int c = 0; c < classes.size(); c++) {
            for (int j = 0; j < perClass; j++) {
                write(dir.resolve(classes.get(c)).resolve(classes.get(c) + "_" + j + "." + extension), height, width,
                        scaled(COLOURS[c], 0.6 + 0.4 * j / perClass));
            }
        }
    }

    private static int scaled(int rgb, double factor) {
        int r = (int) ((rgb >> 16 & 0xFF) * factor);
        int g = (int) ((rgb >> 8 & 0xFF) * factor);
        int b = (int) ((rgb & 0xFF) * factor);
        return r << 16 | g << 8 | b;
    }
}
