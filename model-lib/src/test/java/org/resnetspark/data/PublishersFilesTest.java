package org.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Files written by the publishers' own tools (Python's pickle, NumPy, Pillow) rather than by
 * this project's test writers: src/test/resources/fixtures/make_fixtures.py made them, and every
 * pixel and label is checked against the formulas it used.
 */
class PublishersFilesTest {

    /** make_fixtures.py's pixel(). */
    private static int pixel(int image, int c, int y, int x) {
        return (37 * image + 11 * c + 5 * y + 3 * x) % 256;
    }

    private static DataFolder fixture(String name) throws Exception {
        return TestData.folder(fixturesFolder().resolve(name));
    }

    private static Path fixturesFolder() throws URISyntaxException {
        return Path.of(PublishersFilesTest.class.getResource("/fixtures/make_fixtures.py").toURI()).getParent();
    }

    /** Images {@code first}, {@code first + 1}, ... of make_fixtures.py's formula, with these labels. */
    private static void assertFormulaImages(ImageSet images, int first, int[] labels) {
        assertEquals(labels.length, images.size());
        int side = images.shape().height();
        for (int i = 0; i < images.size(); i++) {
            assertEquals(labels[i], images.label(i), "label of image " + i);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        int value = images.pixels()[images.offset(i) + (c * side + y) * side + x] & 0xFF;
                        assertEquals(pixel(first + i, c, y, x), value, "image " + i + " channel " + c + " at " + y + "," + x);
                    }
                }
            }
        }
    }

    @Test
    void cifar10PythonVersionAsPicklePicklesIt() throws Exception {
        DataFolder folder = fixture("cifar-10-batches-py");
        assertEquals("CIFAR-10 python version", Dataset.CIFAR10.version(folder));
        // Batch n holds images 2n and 2n + 1, labelled by their number mod 10.
        assertFormulaImages(Dataset.CIFAR10.read(folder, Dataset.Split.TRAIN), 0, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertFormulaImages(Dataset.CIFAR10.read(folder, Dataset.Split.TEST), 10, new int[] {0, 1});
    }

    @ParameterizedTest
    @ValueSource(strings = {"imagenet32-pickle4", "imagenet32-npz-plain", "imagenet32-npz-compressed"})
    void downsampledImagenetAsPickleAndNumpyWriteIt(String name) throws Exception {
        DataFolder folder = fixture(name);
        // File n (ten training batches, then val_data) holds image n, labelled 1 + (97 n mod 1000).
        int[] trainLabels = new int[10];
        for (int n = 0; n < 10; n++) {
            trainLabels[n] = (n * 97) % 1000;   // shifted to start at 0
        }
        assertFormulaImages(Dataset.IMAGENET32.read(folder, Dataset.Split.TRAIN), 0, trainLabels);
        assertFormulaImages(Dataset.IMAGENET32.read(folder, Dataset.Split.TEST), 10, new int[] {(10 * 97) % 1000});
    }

    @Test
    void imageFoldersAsPillowWritesThem() throws Exception {
        ImageFolders.Splits splits = ImageFolders.find(fixture("image-folder"), null, 42);
        assertEquals(List.of("blue", "green", "red"), splits.train().classNames());
        Configuration hadoop = new Configuration();
        // PNG: exact, the greyscale one copied into all three channels.
        ImageSet train = splits.train().readAll(hadoop);
        assertEquals(4, train.size());
        int[][] colours = {{20, 40, 230}, {30, 200, 40}, {220, 30, 20}};
        for (int i = 0; i < train.size(); i++) {
            boolean grey = train.label(i) == 1 && (train.pixels()[train.offset(i)] & 0xFF) == 128;
            for (int c = 0; c < 3; c++) {
                int expected = grey ? 128 : colours[train.label(i)][c];
                assertEquals(expected, train.pixels()[train.offset(i) + c * 24] & 0xFF, "train image " + i + " channel " + c);
            }
        }
        // JPEG at quality 100, baseline, progressive and CMYK: every pixel within a few levels of its colour.
        ImageSet test = splits.test().readAll(hadoop);
        assertEquals(9, test.size());
        for (int i = 0; i < test.size(); i++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 24; p++) {
                    int value = test.pixels()[test.offset(i) + c * 24 + p] & 0xFF;
                    int expected = colours[test.label(i)][c];
                    assertTrue(Math.abs(value - expected) <= 6, "test image " + i + " (class " + test.label(i) + ") channel " + c
                            + ": " + value + " for " + expected);
                }
            }
        }
    }
}
