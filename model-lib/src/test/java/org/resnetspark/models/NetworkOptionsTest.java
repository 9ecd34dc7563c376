package org.resnetspark.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NetworkOptionsTest {

    @Test
    void layersAreNamedForWhatTheyAreAndTheOldNameStillWorks() {
        assertEquals(NetworkOptions.Layers.ONEDNN, NetworkOptions.defaults().layers());
        assertEquals(NetworkOptions.Layers.ONEDNN, NetworkOptions.Layers.parse("onednn"));
        assertEquals(NetworkOptions.Layers.ONEDNN, NetworkOptions.Layers.parse("FUSED"));
        assertEquals(NetworkOptions.Layers.DL4J, NetworkOptions.Layers.parse(" dl4j "));
        var error = assertThrows(IllegalArgumentException.class, () -> NetworkOptions.Layers.parse("cudnn"));
        assertTrue(error.getMessage().contains("use onednn or dl4j"), error.getMessage());
    }
}
