package org.resnetspark.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    @Test
    void namesSpellTheirVariant() {
        assertEquals(CifarResNetSpec.cifar10(110, Shortcut.A), ModelRegistry.parse("resnet110"));
        assertEquals(CifarResNetSpec.cifar10(56, Shortcut.B), ModelRegistry.parse("resnet56-B"));
        assertEquals(CifarResNetSpec.cifar10(20, Shortcut.C), ModelRegistry.parse("ResNet20-c"));
        assertEquals(CifarResNetSpec.cifar10(44, Shortcut.NONE), ModelRegistry.parse("plain44"));
        assertEquals(CifarResNetSpec.cifar10(20, Shortcut.A), ModelRegistry.parse("resnet20-A"));
    }

    @Test
    void everyListedModelParsesBackToItsName() {
        for (String name : ModelRegistry.PAPER_MODELS) {
            assertEquals(name, ModelRegistry.parse(name).name());
        }
    }

    @Test
    void aDepthThatDoesNotExistIsRejectedWithTheValidDepths() {
        var error = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.parse("resnet51"));
        assertTrue(error.getMessage().contains("Depth 51"), error.getMessage());
        assertTrue(error.getMessage().contains("20, 32, 44, 56, 110, 1202"), error.getMessage());
    }

    @Test
    void unknownNamesAndImpossibleCombinationsListWhatIsAccepted() {
        for (String bad : new String[] {"vgg16", "plain20-B", "resnet20-D", "resnet", ""}) {
            var error = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.parse(bad), bad);
            assertTrue(error.getMessage().contains("Accepted"), error.getMessage());
        }
    }
}
