package org.resnetspark.models;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resnetspark.data.InputShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryTest {

    private static ResNetSpec spec(String name) {
        return (ResNetSpec) ModelRegistry.parse(name);
    }

    @Test
    void namesSpellTheirVariant() {
        assertEquals(new ResNetSpec(Family.RESNET, 110, BlockType.BASIC, Shortcut.A, 3, 2, 1, Dropout.NONE, 10, InputShape.CIFAR),
                spec("resnet110"));
        assertEquals(Shortcut.B, spec("resnet56-B").shortcut());
        assertEquals(Shortcut.C, spec("ResNet20-c").shortcut());
        assertEquals(Shortcut.NONE, spec("plain44").shortcut());
        assertEquals(Family.PREACT, spec("preact164").family());
        assertEquals(BlockType.BOTTLENECK, spec("preact164").block());
        assertEquals(BlockType.BASIC, spec("preact110").block());
        assertEquals(BlockType.BOTTLENECK, spec("resnet164").block());
        assertEquals(Family.IMAGENET, spec("resnet18").family());
        assertEquals(BlockType.BOTTLENECK, spec("resnet50").block());
        assertEquals(5, spec("resnet20-k5").kernel());
        assertEquals(3, spec("resnet20-span3").span());
        assertEquals(2, spec("resnet20-w2").widen());
        ResNetSpec wrn = spec("wrn-28-10-dropout0.3");
        assertEquals(Family.WRN, wrn.family());
        assertEquals(10, wrn.widen());
        assertEquals(new Dropout(0, 0.3, 0), wrn.dropout());
        assertEquals(new Dropout(0.1, 0, 0.5), spec("resnet20-predrop0.1-fcdrop0.5").dropout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "resnet56-B", "plain20", "preact164", "preact110", "preact1001",
            "wrn-28-10-dropout0.3", "wrn-16-4", "resnet18", "resnet152", "resnet20-k5", "resnet20-span3", "resnet20-span1",
            "resnet164", "resnet164-basic", "preact56-bottleneck", "resnet20-C-k7-w2-predrop0.1-fcdrop0.5",
            "plain164", "preact110-A", "wrn-40-4-C", "resnet34-A", "resnet29-basic-span3"})
    void canonicalNamesParseBackToTheSameSpec(String name) {
        ModelSpec spec = ModelRegistry.parse(name);
        assertEquals(name, spec.name());
        assertEquals(spec, ModelRegistry.parse(spec.name()));
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
        error = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.parse("wrn-27-10"));
        assertTrue(error.getMessage().contains("6n+4"), error.getMessage());
        error = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.parse("preact165-bottleneck"));
        assertTrue(error.getMessage().contains("9n+2"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vgg16", "plain20-B", "resnet20-D", "resnet", "", "resnet20-k4", "resnet20-span4",
            "resnet164-bottleneck-span2", "wrn-16-4-w2", "resnet18-w2", "wrn-16-4-bottleneck", "resnet20-B-C",
            "resnet20-dropout1.5", "resnet20-dropoutx", "resnet20x", "resnet20-"})
    void unknownNamesAndImpossibleCombinationsListWhatIsAccepted(String bad) {
        var error = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.parse(bad), bad);
        assertTrue(error.getMessage().startsWith("Model '" + bad + "': "), error.getMessage());
        assertTrue(error.getMessage().contains("Accepted: "), error.getMessage());
    }
}
