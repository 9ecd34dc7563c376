package org.resnetspark.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnetspark.data.BadInputException;

/** Files PyTorch 1.13 wrote in both formats, read here; a state dict written here, read by PyTorch. */
class TorchCheckpointTest {

    @TempDir
    Path folder;

    @Test
    void readsBothFormatsAndWritesWhatPyTorchLoadsStrictly() throws Exception {
        PyTorchReference.make("resnet20", folder);
        Map<String, TorchTensor> zip = TorchCheckpoint.readStateDict(folder.resolve("zip.pt"));
        // pytorch_resnet_cifar10's layout: {'state_dict': {'module.conv1.weight': ...}, 'best_prec1': ...}, legacy format.
        Map<String, TorchTensor> legacy = TorchCheckpoint.readStateDict(folder.resolve("legacy.pt"));

        assertEquals(zip.keySet(), legacy.keySet());
        assertArrayEquals(new long[] {16, 3, 3, 3}, zip.get("conv1.weight").shape());
        assertArrayEquals(new long[] {10, 64}, zip.get("linear.weight").shape());
        assertEquals(TorchTensor.LONG, zip.get("bn1.num_batches_tracked").storageType());
        assertArrayEquals(new long[0], zip.get("bn1.num_batches_tracked").shape());
        for (String key : zip.keySet()) {
            assertArrayEquals(zip.get(key).shape(), legacy.get(key).shape(), key);
            assertArrayEquals(zip.get(key).values(), legacy.get(key).values(), key);
        }

        Path written = folder.resolve("written.pt");
        TorchCheckpoint.writeStateDict(written, zip);
        String result = PyTorchReference.check("resnet20", written, folder);
        assertTrue(result.contains("\"logit_max_abs_diff\": 0.0") && result.contains("\"ok\": true"), result);
    }

    @Test
    void aFileThatIsNoCheckpointIsBadInputNamingIt() throws Exception {
        Path text = Files.writeString(folder.resolve("notes.pt"), "not a checkpoint");
        BadInputException error = assertThrows(BadInputException.class, () -> TorchCheckpoint.readStateDict(text));
        assertTrue(error.getMessage().startsWith(text + " is "), error.getMessage());
    }
}
