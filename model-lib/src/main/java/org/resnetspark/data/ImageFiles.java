package org.resnetspark.data;

import com.twelvemonkeys.image.ResampleOp;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.hadoop.conf.Configuration;

/**
 * PNG and JPEG files decoded to RGB bytes through ImageIO, with TwelveMonkeys' JPEG reader in
 * front of the JDK's (which cannot read many CMYK and YCCK JPEGs and misreads some progressive ones).
 * Every image becomes 3 channels, as torchvision's ImageFolder loader makes them (Pillow's
 * {@code convert("RGB")}): a grey image's one channel is copied into all three, an alpha
 * channel is dropped (the colour stored under a transparent pixel is kept), palettes and CMYK
 * are converted to RGB, 16-bit samples rounded to 8 bits.
 */
public final class ImageFiles {

    /** How images of another size are brought to the set's: bilinear, widened when shrinking. */
    public static final String RESAMPLING = "bilinear (a triangle filter, widened to average every source pixel "
            + "when shrinking, as Pillow's and torchvision's Resize do; the aspect ratio is not kept)";

    static {
        // ImageIO finds plugins once, with the class loader of the thread that first uses it; on a
        // Spark executor the job jar (and TwelveMonkeys in it) is on the task threads' loader only.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);   // the files are small and already in memory: no temporary files
    }

    private ImageFiles() {
    }

    /** The height and width of the image at {@code uri}, from its header. */
    public static InputShape shape(String uri, Configuration hadoop) throws IOException {
        byte[] file = readFile(uri, hadoop);
        ImageReader reader = readerFor(file, uri);
        try {
            return new InputShape(3, reader.getHeight(0), reader.getWidth(0));
        } catch (IOException | RuntimeException e) {
            throw unreadable(uri, e);
        } finally {
            reader.dispose();
        }
    }

    /** An image decoded to packed 0xRRGGBB values, row by row. */
    public record Rgb(int height, int width, int[] pixels) {

        /** This image resampled to {@code toHeight x toWidth} (see {@link #RESAMPLING}). */
        public Rgb resized(int toHeight, int toWidth) {
            if (toHeight == height && toWidth == width) {
                return this;
            }
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            image.setRGB(0, 0, width, height, pixels, 0, width);
            BufferedImage resized = new ResampleOp(toWidth, toHeight, ResampleOp.FILTER_TRIANGLE).filter(image, null);
            return new Rgb(toHeight, toWidth, resized.getRGB(0, 0, toWidth, toHeight, null, 0, toWidth));
        }

        /** Writes the image channels first (all red, then green, then blue, row by row) from {@code offset}. */
        public void writePlanar(byte[] dst, int offset) {
            int plane = height * width;
            for (int i = 0; i < plane; i++) {
                dst[offset + i] = (byte) (pixels[i] >> 16);
                dst[offset + plane + i] = (byte) (pixels[i] >> 8);
                dst[offset + 2 * plane + i] = (byte) pixels[i];
            }
        }
    }

    /** The image at {@code uri}, decoded; a damaged or truncated file is an error naming it. */
    public static Rgb read(String uri, Configuration hadoop) throws IOException {
        BufferedImage image = decode(readFile(uri, hadoop), uri);
        return new Rgb(image.getHeight(), image.getWidth(), rgb(image));
    }

    private static byte[] readFile(String uri, Configuration hadoop) throws IOException {
        try (InputStream in = DataFile.openAt(uri, 0, hadoop)) {
            return in.readAllBytes();
        }
    }

    private static ImageReader readerFor(byte[] file, String uri) throws IOException {
        ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(file));
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new BadInputException(uri + " is not an image that can be read (neither PNG nor JPEG: the file is "
                    + "damaged or of another format). Replace or remove the file.");
        }
        ImageReader reader = readers.next();
        if (reader.getClass().getName().equals("com.sun.imageio.plugins.jpeg.JPEGImageReader")) {
            // TwelveMonkeys' reader registers in front of this one: it is missing or was not found.
            throw new IllegalStateException("ImageIO chose the JDK's JPEG reader for " + uri + ", not TwelveMonkeys' "
                    + "(com.twelvemonkeys.imageio:imageio-jpeg), which must be on the class path of every executor.");
        }
        reader.setInput(in, true, true);
        return reader;
    }

    private static BufferedImage decode(byte[] file, String uri) throws IOException {
        ImageReader reader = readerFor(file, uri);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try {
            BufferedImage image = reader.read(0);
            // A JPEG cut short decodes with grey where its data ends and only a warning (libjpeg's
            // "premature end of ..."): an error here, as in Pillow. Other warnings are harmless.
            for (String warning : warnings) {
                if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                    throw new BadInputException(uri + " is truncated (" + warning + "). Replace or remove the file.");
                }
            }
            return image;
        } catch (IOException | RuntimeException e) {
            throw e instanceof BadInputException bad ? bad : unreadable(uri, e);
        } finally {
            reader.dispose();
        }
    }

    private static BadInputException unreadable(String uri, Exception e) {
        return new BadInputException(uri + " is a damaged image (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                + "). Replace or remove the file.", e);
    }

    /** The image as packed 0xRRGGBB values, row by row; grey samples copied to all three channels. */
    private static int[] rgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        ColorModel model = image.getColorModel();
        if (model.getColorSpace().getType() != ColorSpace.TYPE_GRAY || model instanceof IndexColorModel) {
            return image.getRGB(0, 0, width, height, null, 0, width);
        }
        // Not getRGB: Java's grey colour space is linear, so getRGB would brighten every grey image.
        Raster raster = image.getRaster();
        int max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
        int[] rgb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int grey = (raster.getSample(x, y, 0) * 255 + max / 2) / max;
                rgb[y * width + x] = grey << 16 | grey << 8 | grey;
            }
        }
        return rgb;
    }
}
