package org.resnetspark.pytorch;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.resnetspark.models.BlockType;
import org.resnetspark.models.Family;
import org.resnetspark.models.ResNetSpec;
import org.resnetspark.models.Shortcut;

/**
 * The PyTorch code whose parameter names (and computation) a family's weights follow, and how a
 * layer of ours is called there. Each computes the same function as our network of the family
 * (checked against PyTorch by the fidelity tests; submit-scripts/pytorch_reference.py holds the
 * transcribed modules).
 */
public enum ReferenceLayout {
    /**
     * akamaster/pytorch_resnet_cifar10, resnet.py: He et al. 2015's CIFAR nets, option A or B.
     * Its option A puts the zero channels on both sides of the subsampled input (planes/4 each),
     * ours after it (fb.resnet.torch); the mapping reorders channels to match (see PyTorchWeights).
     */
    PYTORCH_RESNET_CIFAR10("akamaster/pytorch_resnet_cifar10 (resnet.py)"),
    /** torchvision's models/resnet.py (v1.5: a bottleneck's stride on its 3x3), with a 3x3 stride-1 stem and no max-pool. */
    TORCHVISION("torchvision models/resnet.py with a CIFAR stem (conv1 3x3 stride 1, no max-pool)"),
    /** hysts/pytorch_resnet_preact, resnet_preact.py, default configuration (each stage's first block shares its BN-ReLU). */
    RESNET_PREACT("hysts/pytorch_resnet_preact (resnet_preact.py, default configuration)"),
    /** xternalz/WideResNet-pytorch, wideresnet.py. */
    WIDE_RESNET("xternalz/WideResNet-pytorch (wideresnet.py)");

    private static final Pattern BLOCK_LAYER = Pattern.compile("stage(\\d+)_block(\\d+)_(conv|bn)(\\d+)");
    private static final Pattern SHORTCUT = Pattern.compile("stage(\\d+)_block(\\d+)_shortcut_(conv|bn)");

    private final String code;

    ReferenceLayout(String code) {
        this.code = code;
    }

    /** The published code, for messages and the README. */
    public String code() {
        return code;
    }

    /** The layout of a model's reference code, or an error saying which models have one. */
    public static ReferenceLayout of(ResNetSpec spec) {
        String name = spec.name();
        boolean plainLayers = spec.kernel() == 3 && spec.widen() == (spec.family() == Family.WRN ? spec.widen() : 1);
        ReferenceLayout layout = switch (spec.family()) {
            case RESNET -> spec.block() == BlockType.BASIC && spec.span() == 2
                    && (spec.shortcut() == Shortcut.A || spec.shortcut() == Shortcut.B) ? PYTORCH_RESNET_CIFAR10 : null;
            case IMAGENET -> TORCHVISION;
            // hysts's bottleneck nets keep stage 1 16 channels wide (4-channel bottlenecks), He et
            // al.'s resnet-pre-act.lua puts the stride on the first 1x1: neither is our preact164.
            case PREACT -> spec.block() == BlockType.BASIC && spec.span() == 2 ? RESNET_PREACT : null;
            case WRN -> WIDE_RESNET;
            case PLAIN -> null;
        };
        if (layout == null || !plainLayers) {
            throw new IllegalArgumentException("No PyTorch reference code has the layout of " + name + "; weights can be "
                    + "imported and exported for resnet<6n+2> and resnet<6n+2>-B (" + PYTORCH_RESNET_CIFAR10.code + "), "
                    + "resnet18/34/50/101/152 (" + TORCHVISION.code + "), preact<6n+2> with basic blocks ("
                    + RESNET_PREACT.code + ") and wrn-<6n+4>-<k> (" + WIDE_RESNET.code + ")");
        }
        return layout;
    }

    /** The reference's name of one of our parameterised layers (the prefix of its state dict keys). */
    public String torchName(String layer) {
        Matcher block = BLOCK_LAYER.matcher(layer);
        if (block.matches()) {
            return blockPrefix(block.group(1), block.group(2)) + block.group(3) + block.group(4);
        }
        Matcher shortcut = SHORTCUT.matcher(layer);
        if (shortcut.matches()) {
            boolean conv = shortcut.group(3).equals("conv");
            String prefix = blockPrefix(shortcut.group(1), shortcut.group(2));
            return prefix + switch (this) {
                case PYTORCH_RESNET_CIFAR10 -> conv ? "shortcut.0" : "shortcut.1";
                case TORCHVISION -> conv ? "downsample.0" : "downsample.1";
                case RESNET_PREACT -> conv ? "shortcut.conv" : null;
                case WIDE_RESNET -> conv ? "convShortcut" : null;
            };
        }
        String name = switch (layer) {
            case "stem_conv" -> this == RESNET_PREACT ? "conv" : "conv1";
            case "stem_bn" -> this == PYTORCH_RESNET_CIFAR10 || this == TORCHVISION ? "bn1" : null;
            case "final_bn" -> this == RESNET_PREACT ? "bn" : this == WIDE_RESNET ? "bn1" : null;
            case "output" -> this == PYTORCH_RESNET_CIFAR10 ? "linear" : "fc";
            default -> null;
        };
        if (name == null) {
            throw new IllegalArgumentException("Layer '" + layer + "' has no counterpart in " + code);
        }
        return name;
    }

    private String blockPrefix(String stage, String block) {
        int index = Integer.parseInt(block);
        return switch (this) {
            case PYTORCH_RESNET_CIFAR10, TORCHVISION -> "layer" + stage + "." + (index - 1) + ".";
            case RESNET_PREACT -> "stage" + stage + ".block" + index + ".";
            case WIDE_RESNET -> "block" + stage + ".layer." + (index - 1) + ".";
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
