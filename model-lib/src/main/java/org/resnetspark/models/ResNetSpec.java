package org.resnetspark.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.resnetspark.data.InputShape;

/**
 * One network of any family with its variants. Validated on construction; {@link #name()} spells
 * every non-default choice and {@link ModelRegistry#parse} reads it back to an equal spec.
 *
 * @param depth      the papers' depth: weight layers on the main path (for WRN, d of WRN-d-k)
 * @param kernel     size of the residual-branch convolutions (the middle one in a bottleneck)
 * @param span       convolutions a shortcut skips: 1, 2 or 3 for basic blocks; 3 for bottlenecks
 * @param widen      width multiplier of the stages (k of WRN-d-k); 1 for the papers' ResNets
 */
public record ResNetSpec(Family family, int depth, BlockType block, Shortcut shortcut, int kernel, int span,
                         int widen, Dropout dropout, int numClasses, InputShape input) implements ModelSpec {

    /** Stage layouts of the ImageNet ResNets, by depth. */
    static final Map<Integer, int[]> IMAGENET_BLOCKS = Map.of(
            18, new int[] {2, 2, 2, 2}, 34, new int[] {3, 4, 6, 3}, 50, new int[] {3, 4, 6, 3},
            101, new int[] {3, 4, 23, 3}, 152, new int[] {3, 8, 36, 3});

    public static final List<Integer> KERNELS = List.of(1, 3, 5, 7);

    /** One stage: {@code blocks} blocks, the first strided, inner width and output width. */
    public record Stage(int blocks, int stride, int innerWidth, int outWidth) {
    }

    public ResNetSpec {
        if (numClasses < 2) {
            throw new IllegalArgumentException("A classifier needs at least 2 classes, got " + numClasses);
        }
        if (!KERNELS.contains(kernel)) {
            throw new IllegalArgumentException("Filter size " + kernel + " is not supported; use one of " + KERNELS);
        }
        if (widen < 1) {
            throw new IllegalArgumentException("Width multiplier must be at least 1, got " + widen);
        }
        if (block == BlockType.BOTTLENECK && span != 3) {
            throw new IllegalArgumentException("A bottleneck block has three convolutions: its shortcut spans 3, not " + span);
        }
        if (span < 1 || span > 3) {
            throw new IllegalArgumentException("A shortcut spans 1, 2 or 3 convolutions, not " + span);
        }
        if (family == Family.WRN && (block != BlockType.BASIC || span != 2)) {
            throw new IllegalArgumentException("Wide ResNets use basic blocks of two convolutions");
        }
        if (family == Family.IMAGENET && (widen != 1 || span != (block == BlockType.BASIC ? 2 : 3))) {
            throw new IllegalArgumentException("ResNet-" + depth + " has a fixed layout: no width multiplier or span");
        }
        if ((family == Family.PLAIN) != (shortcut == Shortcut.NONE)) {
            throw new IllegalArgumentException("Plain nets, and only they, have no shortcuts");
        }
        String depthProblem = depthProblem(family, depth, block, span);
        if (depthProblem != null) {
            throw new IllegalArgumentException(depthProblem);
        }
    }

    /** Why {@code depth} is impossible for this family and block, or null. */
    static String depthProblem(Family family, int depth, BlockType block, int span) {
        switch (family) {
            case IMAGENET -> {
                int[] blocks = IMAGENET_BLOCKS.get(depth);
                BlockType expected = depth >= 50 ? BlockType.BOTTLENECK : BlockType.BASIC;
                if (blocks == null || block != expected) {
                    return "ResNet-" + depth + " is not an ImageNet-layout ResNet; those are 18, 34 (basic), 50, 101, 152 (bottleneck)";
                }
                return null;
            }
            case WRN -> {
                return depth >= 10 && (depth - 4) % 6 == 0 ? null
                        : "Depth " + depth + " is not a Wide ResNet depth; valid depths are 6n+4: 10, 16, 22, 28, 40, ...";
            }
            default -> {
                int perBlock = block == BlockType.BOTTLENECK ? 3 : span;
                int step = 3 * perBlock;
                if (depth - 2 >= step && (depth - 2) % step == 0) {
                    return null;
                }
                String form = block == BlockType.BOTTLENECK ? "9n+2 (bottleneck blocks): 11, 20, ..., 164, 1001"
                        : span == 2 ? "6n+2: 8, 14, 20, 32, 44, 56, 110, 1202, ..."
                        : step + "n+2 (basic blocks spanning " + span + "): " + (step + 2) + ", " + (2 * step + 2) + ", ...";
                return "Depth " + depth + " is not a " + family.prefix + " depth; valid depths are " + form;
            }
        }
    }

    /** Default block for a depth: the papers use bottlenecks from 164 layers on (9n+2), basic blocks below. */
    static BlockType defaultBlock(Family family, int depth) {
        return switch (family) {
            case WRN -> BlockType.BASIC;
            case IMAGENET -> depth >= 50 ? BlockType.BOTTLENECK : BlockType.BASIC;
            default -> (depth - 2) % 9 == 0 && (depth > 110 || (depth - 2) % 6 != 0) ? BlockType.BOTTLENECK : BlockType.BASIC;
        };
    }

    /** The family's default: two convolutions per basic block, three per bottleneck. */
    static int defaultSpan(BlockType block) {
        return block == BlockType.BOTTLENECK ? 3 : 2;
    }

    public int stemWidth() {
        return family.stemWidth;
    }

    public List<Stage> stages() {
        int[] widths = family.stageWidths;
        int expansion = block == BlockType.BOTTLENECK ? BlockType.EXPANSION : 1;
        List<Stage> stages = new ArrayList<>();
        for (int s = 0; s < widths.length; s++) {
            int blocks = switch (family) {
                case IMAGENET -> IMAGENET_BLOCKS.get(depth)[s];
                case WRN -> (depth - 4) / 6;
                default -> (depth - 2) / (3 * span);
            };
            int inner = widths[s] * widen;
            stages.add(new Stage(blocks, s == 0 ? 1 : 2, inner, inner * expansion));
        }
        return stages;
    }

    @Override
    public ComputationGraphConfiguration configuration(NetworkOptions options) {
        return ResNetGraph.configuration(this, options);
    }

    @Override
    public String name() {
        return ModelRegistry.nameOf(this);
    }
}
