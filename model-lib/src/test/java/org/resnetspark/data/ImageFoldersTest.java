package org.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnetspark.data.BadInputTest.assertMessage;
import static org.resnetspark.data.BadInputTest.assertUsageMessage;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders of PNG and JPEG images, one subfolder per class, in each layout, as the executors decode them. */
class ImageFoldersTest {

    private static final Configuration HADOOP = new Configuration();

    @TempDir
    Path dir;

    private ImageFolders.Splits find(InputShape resize, long seed) throws IOException {
        return ImageFolders.find(TestData.folder(dir), resize, seed);
    }

    /** The red, green and blue bytes of image {@code index}'s pixel (y, x). */
    private static int[] pixel(ImageSet images, int index, int y, int x) {
        InputShape shape = images.shape();
        int plane = shape.height() * shape.width();
        int at = images.offset(index) + y * shape.width() + x;
        byte[] p = images.pixels();
        return new int[] {p[at] & 0xFF, p[at + plane] & 0xFF, p[at + 2 * plane] & 0xFF};
    }

    private static void assertColour(int rgb, int[] actual, int tolerance) {
        int[] expected = {rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF};
        for (int c = 0; c < 3; c++) {
            assertTrue(Math.abs(expected[c] - actual[c]) <= tolerance,
                    String.format("expected %06x, got %02x%02x%02x", rgb, actual[0], actual[1], actual[2]));
        }
    }

    @Test
    void trainAndTestTreesGiveSortedClassNamesAndDecodedPixels() throws IOException {
        ImageTrees.write(dir.resolve("train/dog/a.png"), 6, 8, 0x102030);
        ImageTrees.write(dir.resolve("train/dog/b.PNG"), 6, 8, 0x405060);
        ImageTrees.write(dir.resolve("train/cat/deeper/c.jpg"), 6, 8, 0xE02020);   // any depth below the class
        ImageTrees.write(dir.resolve("train/bird/d.jpeg"), 6, 8, 0x2040E0);
        ImageTrees.write(dir.resolve("train/bird/.hidden.png"), 6, 8, 0);
        Files.writeString(dir.resolve("train/bird/notes.txt"), "not an image");
        ImageTrees.write(dir.resolve("test/cat/e.png"), 6, 8, 0x708090);
        ImageTrees.write(dir.resolve("val/cat/ignored.png"), 6, 8, 0);   // test/ comes first

        ImageFolders.Splits splits = find(null, 1);

        ImageFolderSource train = splits.train();
        assertEquals(List.of("bird", "cat", "dog"), train.classNames());
        assertEquals(new InputShape(3, 6, 8), train.shape());
        // Class by class in turn: a prefix (--train-limit) keeps the classes balanced.
        assertEquals(List.of("train/bird/d.jpeg", "train/cat/deeper/c.jpg", "train/dog/a.png", "train/dog/b.PNG"),
                train.images().stream().map(ImageFolderSource.Image::path).toList());
        ImageSet images = train.readAll(HADOOP);
        assertEquals(List.of(0, 1, 2, 2), List.of(images.label(0), images.label(1), images.label(2), images.label(3)));
        assertColour(0x102030, pixel(images, 2, 5, 7), 0);   // PNG: exact
        assertColour(0x405060, pixel(images, 3, 0, 0), 0);
        assertColour(0xE02020, pixel(images, 1, 3, 3), 8);   // JPEG: near
        assertTrue(splits.layout().contains("train/<class>/ for training, test/<class>/ as the test split; 3 classes; "
                + "images of 6x8 (the first training image's size)"), splits.layout());

        ImageSet test = splits.test().readAll(HADOOP);
        assertEquals(1, test.size());
        assertEquals(1, test.label(0));   // cat, by the training classes' numbering
        assertEquals(train.classNames(), splits.test().classNames());
        assertColour(0x708090, pixel(test, 0, 1, 1), 0);

        // A read task carries only its own files.
        ImageFolderSource part = assertInstanceOf(ImageFolderSource.class, train.range(1, 3));
        assertEquals(train.images().subList(1, 3), part.images());
        assertEquals(images.slice(1, 3).pixels().length, part.readAll(HADOOP).pixels().length);
    }

    @Test
    void tinyImageNetsValidationImagesAreLabelledByItsAnnotations() throws IOException {
        for (String wnid : List.of("n02", "n01")) {
            ImageTrees.write(dir.resolve("train/" + wnid + "/images/" + wnid + "_0.JPEG"), 8, 8, 0x808080);
            Files.writeString(dir.resolve("train/" + wnid + "/" + wnid + "_boxes.txt"), wnid + "_0.JPEG\t0\t0\t8\t8\n");
        }
        ImageTrees.write(dir.resolve("val/images/val_0.JPEG"), 8, 8, 0x808080);
        ImageTrees.write(dir.resolve("val/images/val_1.JPEG"), 8, 8, 0x808080);
        Files.writeString(dir.resolve("val/val_annotations.txt"), "val_0.JPEG\tn02\t0\t1\t6\t7\nval_1.JPEG\tn01\t2\t2\t5\t5\n");
        ImageTrees.write(dir.resolve("test/images/test_0.JPEG"), 8, 8, 0x808080);   // no labels: not used

        ImageFolders.Splits splits = find(null, 1);

        assertEquals(List.of("n01", "n02"), splits.train().classNames());
        assertEquals(List.of("val/images/val_1.JPEG", "val/images/val_0.JPEG"),
                splits.test().images().stream().map(ImageFolderSource.Image::path).toList());
        ImageSet test = splits.test().readAll(HADOOP);
        assertEquals(List.of(0, 1), List.of(test.label(0), test.label(1)));
        assertTrue(splits.layout().startsWith("Tiny ImageNet's layout"), splits.layout());

        Files.writeString(dir.resolve("val/val_annotations.txt"), "val_0.JPEG\tn02\t0\t1\t6\t7\nval_1.JPEG\tn09\t2\t2\t5\t5\n");
        assertMessage(() -> find(null, 1), "val_annotations.txt line 2 ('val_1.JPEG\tn09\t2\t2\t5\t5') names a class "
                + "that train/ does not have");
        Files.writeString(dir.resolve("val/val_annotations.txt"), "val_7.JPEG\tn02\t0\t1\t6\t7\n");
        assertMessage(() -> find(null, 1), "val_annotations.txt line 1 names val_7.JPEG, which is not in ", "val/images");
    }

    @Test
    void aSingleTreeHoldsOutATenthAsTheTestSplitWithTheSeed() throws IOException {
        ImageTrees.writeTree(dir, List.of("a", "b"), 10, 4, 4, "png");

        ImageFolders.Splits splits = find(null, 42);

        assertEquals(18, splits.train().size());
        assertEquals(2, splits.test().size());
        Set<ImageFolderSource.Image> all = new HashSet<>(splits.train().images());
        all.addAll(splits.test().images());
        assertEquals(20, all.size());
        assertTrue(splits.layout().contains("2 of its 20 images (a tenth) held out with seed 42 as the test split"),
                splits.layout());
        assertEquals(splits.test().images(), find(null, 42).test().images());
        List<List<ImageFolderSource.Image>> others = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            others.add(find(null, seed).test().images());
        }
        assertTrue(others.stream().anyMatch(o -> !o.equals(splits.test().images())), "the seed draws the test split");
    }

    @Test
    void anImageOfAnotherSizeIsAnErrorNamingItUnlessResized() throws IOException {
        ImageTrees.writeTree(dir.resolve("train"), List.of("a", "b"), 2, 8, 8, "png");
        ImageTrees.writeTree(dir.resolve("test"), List.of("a", "b"), 1, 8, 8, "png");
        Path odd = ImageTrees.write(dir.resolve("train/b/odd.png"), 10, 12, 0x2040E0);

        ImageFolders.Splits splits = find(null, 1);
        assertMessage(() -> splits.train().readAll(HADOOP), odd.toUri().getPath() + " is 10x12 (height x width), but "
                + "the images of", "are 8x8, the size of the first training image, ", "a_0.png. Give --resize HxW");

        ImageFolders.Splits resized = find(ImageFolders.parseSize("4x4"), 1);
        ImageSet images = resized.train().readAll(HADOOP);
        assertEquals(new InputShape(3, 4, 4), images.shape());
        int oddIndex = resized.train().images().indexOf(new ImageFolderSource.Image("train/b/odd.png", 1));
        assertColour(0x2040E0, pixel(images, oddIndex, 3, 3), 0);   // one colour stays that colour
        assertTrue(resized.layout().contains("every image resized to 4x4, bilinear"), resized.layout());
    }

    @Test
    void resizingIsBilinearAndAveragesWhenShrinking() throws IOException {
        BufferedImage checkerboard = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                checkerboard.setRGB(x, y, (x + y) % 2 == 0 ? 0xFFFFFF : 0);
            }
        }
        ImageTrees.write(dir.resolve("train/a/checkerboard.png"), checkerboard);
        BufferedImage ramp = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        ramp.setRGB(1, 0, 0xFFFFFF);
        ImageTrees.write(dir.resolve("train/b/ramp.png"), ramp);
        ImageTrees.write(dir.resolve("test/a/any.png"), 4, 4, 0);

        ImageSet images = find(ImageFolders.parseSize("4"), 1).train().readAll(HADOOP);

        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertColour(0x808080, pixel(images, 0, y, x), 1);   // a checkerboard shrunk is grey, not stripes
            }
        }
        // Pillow's bilinear resize of the same 2 pixels to 4 (Image.resize((4, 1), Image.BILINEAR)).
        int[] pillow = {0, 64, 191, 255};
        for (int x = 0; x < 4; x++) {
            assertEquals(pillow[x], pixel(images, 1, 0, x)[0], 1, "pixel " + x);
        }
    }

    @Test
    void resizeTakesHeightByWidthOrOneNumber() {
        assertEquals(new InputShape(3, 64, 48), ImageFolders.parseSize("64x48"));
        assertEquals(new InputShape(3, 32, 32), ImageFolders.parseSize("32"));
        for (String bad : List.of("0", "64x", "x64", "64x48x2", "big", "-3")) {
            assertUsageMessage(() -> ImageFolders.parseSize(bad), "--resize takes HxW or N pixels", "'" + bad + "'");
        }
    }

    @Test
    void aDamagedOrTruncatedImageIsAnErrorNamingIt() throws IOException {
        ImageTrees.writeTree(dir, List.of("a", "b"), 2, 32, 32, "jpg");
        Path garbage = dir.resolve("a/garbage.png");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertMessage(() -> find(null, 1).train().readAll(HADOOP), garbage.toUri().getPath()
                + " is not an image that can be read (neither PNG nor JPEG");
        Files.delete(garbage);

        BufferedImage noise = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                noise.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        Path cut = ImageTrees.write(dir.resolve("b/cut.jpg"), noise);
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        assertMessage(() -> find(null, 1).train().readAll(HADOOP), cut.toUri().getPath() + " is truncated");

        Path png = ImageTrees.write(dir.resolve("b/cut.png"), noise);
        Files.delete(cut);
        byte[] pngBytes = Files.readAllBytes(png);
        Files.write(png, java.util.Arrays.copyOf(pngBytes, pngBytes.length / 2));
        assertMessage(() -> find(null, 1).train().readAll(HADOOP), png.toUri().getPath() + " is a damaged image");

        // The first training image's header gives the set's size: damaged, it stops the driver.
        Files.write(dir.resolve("a/a_0.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 0});
        assertMessage(() -> find(null, 1), "a_0.jpg is a damaged image");
    }

    @Test
    void aFolderOfTheWrongLayoutSaysWhatToDo() throws IOException {
        ImageTrees.writeTree(dir.resolve("train"), List.of("a", "b"), 1, 4, 4, "png");
        assertMessage(() -> find(null, 1), "holds train/ but neither test/ nor val/ (it holds train/)",
                "give --data " + TestData.folder(dir).uri() + "/train to hold a test split out of the training images");

        ImageTrees.writeTree(dir.resolve("test"), List.of("a", "c"), 1, 4, 4, "png");
        assertMessage(() -> find(null, 1), "/test/c is a class that the training images do not have (their classes: a, b)");

        Files.createDirectories(dir.resolve("train/empty"));
        assertMessage(() -> find(null, 1), "/train/empty holds no PNG or JPEG image");

        Path flat = dir.resolve("flat");
        ImageTrees.write(flat.resolve("x.png"), 4, 4, 0);
        assertMessage(() -> ImageFolders.find(TestData.folder(flat), null, 1), "flat has no class folders (it holds x.png)");
    }

    @Test
    void greyAndAlphaImagesBecomeRgbAsPillowConvertsThem() throws IOException {
        BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 2, 0, 100);
        ImageTrees.write(dir.resolve("a/grey.png"), grey);
        BufferedImage grey16 = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSample(1, 2, 0, 100 * 257);
        ImageTrees.write(dir.resolve("b/grey16.png"), grey16);
        BufferedImage alpha = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        alpha.setRGB(1, 2, 0x00C08040);   // fully transparent: its colour is kept, the alpha dropped
        alpha.setRGB(0, 0, 0x80102030);
        ImageTrees.write(dir.resolve("c/alpha.png"), alpha);

        ImageFolderSource all = new ImageFolderSource(TestData.folder(dir).uri(), "training", List.of(
                new ImageFolderSource.Image("a/grey.png", 0), new ImageFolderSource.Image("b/grey16.png", 1),
                new ImageFolderSource.Image("c/alpha.png", 2)), List.of("a", "b", "c"), new InputShape(3, 4, 4), false, "");
        ImageSet images = all.readAll(HADOOP);

        assertColour(0x646464, pixel(images, 0, 2, 1), 0);   // 100 stays 100 (Java's linear grey would make it 155)
        assertColour(0x000000, pixel(images, 0, 0, 0), 0);
        assertColour(0x646464, pixel(images, 1, 2, 1), 0);
        assertColour(0xC08040, pixel(images, 2, 2, 1), 0);
        assertColour(0x102030, pixel(images, 2, 0, 0), 0);
    }

    @Test
    void cmykAndProgressiveJpegsDecodeToTheirColours() throws IOException {
        ImageTrees.writeTree(dir, List.of("a", "b"), 1, 16, 16, "png");
        // A CMYK JPEG as Photoshop writes them: an Adobe APP14 segment and inverted ink values.
        // Pure magenta and yellow ink is red.
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                cmyk.setPixel(x, y, new int[] {255, 0, 0, 255});   // C 0, M 255, Y 255, K 0, inverted
            }
        }
        byte[] jpeg = jpeg(new IIOImage(cmyk, null, null), null);
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};   // transform 0: CMYK
        ByteArrayOutputStream withAdobe = new ByteArrayOutputStream();
        withAdobe.write(jpeg, 0, 2);   // SOI
        withAdobe.write(adobe);
        withAdobe.write(jpeg, 2, jpeg.length - 2);
        Files.write(dir.resolve("a/cmyk.jpg"), withAdobe.toByteArray());

        BufferedImage green = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                green.setRGB(x, y, x < 8 ? 0x20C040 : 0x2040E0);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam progressive = writer.getDefaultWriteParam();
        progressive.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        byte[] progressiveJpeg = jpeg(new IIOImage(green, null, null), progressive);
        assertTrue(indexOf(progressiveJpeg, (byte) 0xFF, (byte) 0xC2) > 0, "a progressive JPEG (SOF2)");
        Files.write(dir.resolve("b/progressive.jpg"), progressiveJpeg);

        ImageFolderSource train = find(null, 1).train();
        ImageSet images = train.readAll(HADOOP);
        int cmykAt = train.images().indexOf(new ImageFolderSource.Image("a/cmyk.jpg", 0));
        int progressiveAt = train.images().indexOf(new ImageFolderSource.Image("b/progressive.jpg", 1));
        assertColour(0xFF0000, pixel(images, cmykAt, 8, 8), 40);
        assertColour(0x20C040, pixel(images, progressiveAt, 8, 2), 12);
        assertColour(0x2040E0, pixel(images, progressiveAt, 8, 13), 12);
    }

    private static byte[] jpeg(IIOImage image, ImageWriteParam param) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, image, param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static int indexOf(byte[] bytes, byte first, byte second) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == first && bytes[i + 1] == second) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void twelveMonkeysReadsJpegsBeforeTheJdk() throws IOException {
        ImageFiles.read(ImageTrees.write(dir.resolve("a.jpg"), 4, 4, 0).toUri().toString(), HADOOP);
        assertEquals("com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReader",
                ImageIO.getImageReadersByFormatName("jpeg").next().getClass().getName());
    }
}
