package org.resnetspark.models;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.resnetspark.data.InputShape;

/**
 * Model names: a family and depth, then a dash-separated suffix for each non-default variant.
 * <pre>
 *   resnet&lt;d&gt;       He et al. 2015 CIFAR ResNet (6n+2, option A; 9n+2 from 164 on: bottleneck, option B)
 *   plain&lt;d&gt;        the same without shortcuts
 *   preact&lt;d&gt;       pre-activation ResNet (He et al. 2016): preact110, preact164, preact1001
 *   wrn-&lt;d&gt;-&lt;k&gt;     Wide ResNet (6n+4, widths 16k/32k/64k): wrn-16-4, wrn-28-10
 *   resnet18/34/50/101/152   the ImageNet layout on 32x32 inputs
 * suffixes: -A|-B|-C shortcut, -basic|-bottleneck, -k&lt;1|3|5|7&gt; filter size, -span&lt;1|2|3&gt;,
 *   -w&lt;m&gt; width multiplier, -dropout&lt;r&gt; between convolutions, -predrop&lt;r&gt; before each
 *   convolution, -fcdrop&lt;r&gt; before the classifier.
 * </pre>
 * {@link #nameOf} writes the canonical name of a spec; parsing it gives back an equal spec.
 */
public final class ModelRegistry {

    /** The networks of the papers, listed by {@code models}. */
    public static final List<String> PAPER_MODELS = List.of(
            "resnet20", "resnet32", "resnet44", "resnet56", "resnet110", "resnet1202",
            "resnet20-B", "resnet20-C", "resnet56-B", "resnet56-C", "resnet110-B", "resnet110-C",
            "plain20", "plain32", "plain44", "plain56", "plain110",
            "resnet164", "resnet1001",
            "preact110", "preact164", "preact1001",
            "wrn-16-4", "wrn-16-8", "wrn-28-10", "wrn-40-4", "wrn-28-10-dropout0.3",
            "resnet18", "resnet34", "resnet50", "resnet101", "resnet152");

    public static final String ACCEPTED = "resnet<depth>, plain<depth>, preact<depth>, wrn-<depth>-<k>, "
            + "resnet18/34/50/101/152, each optionally followed by -A|-B|-C, -basic|-bottleneck, -k<1|3|5|7>, "
            + "-span<1|2|3>, -w<multiplier>, -dropout<rate>, -predrop<rate>, -fcdrop<rate>; "
            + "e.g. resnet110, resnet56-B, plain20, preact164, wrn-28-10-dropout0.3, resnet18, resnet20-k5, resnet20-span3";

    private static final Pattern HEAD = Pattern.compile("(resnet|plain|preact)(\\d+)|wrn-(\\d+)-(\\d+)");

    private ModelRegistry() {
    }

    public static ModelSpec parse(String name) {
        return parse(name, 10, InputShape.CIFAR);
    }

    public static ModelSpec parse(String name, int numClasses, InputShape input) {
        try {
            return parseSpec(name.trim().toLowerCase(Locale.ROOT), numClasses, input);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Model '" + name + "': " + e.getMessage() + ". Accepted: " + ACCEPTED, e);
        }
    }

    private static ResNetSpec parseSpec(String name, int numClasses, InputShape input) {
        Matcher head = HEAD.matcher(name);
        if (!head.lookingAt()) {
            throw new IllegalArgumentException("unknown model");
        }
        Family family;
        int depth;
        int widen = 1;
        if (head.group(3) != null) {
            family = Family.WRN;
            depth = Integer.parseInt(head.group(3));
            widen = Integer.parseInt(head.group(4));
        } else {
            depth = Integer.parseInt(head.group(2));
            family = switch (head.group(1)) {
                case "plain" -> Family.PLAIN;
                case "preact" -> Family.PREACT;
                default -> ResNetSpec.IMAGENET_BLOCKS.containsKey(depth) ? Family.IMAGENET : Family.RESNET;
            };
        }

        BlockType block = null;
        Shortcut shortcut = null;
        int kernel = 3;
        Integer span = null;
        double before = 0;
        double between = 0;
        double classifier = 0;
        Set<String> seen = new HashSet<>();
        String rest = name.substring(head.end());
        for (String token : rest.isEmpty() ? new String[0] : rest.substring(1).split("-", -1)) {
            if (!rest.startsWith("-")) {
                throw new IllegalArgumentException("expected '-' after '" + head.group() + "'");
            }
            String kind = token.replaceAll("[0-9.]+$", "");
            if (!seen.add(kind.length() == 1 && "abc".contains(kind) ? "shortcut" : kind)) {
                throw new IllegalArgumentException("'" + token + "' repeats a variant already given");
            }
            String value = token.substring(kind.length());
            switch (kind) {
                case "a", "b", "c" -> shortcut = Shortcut.valueOf(kind.toUpperCase(Locale.ROOT));
                case "basic" -> block = BlockType.BASIC;
                case "bottleneck" -> block = BlockType.BOTTLENECK;
                case "k" -> kernel = integer(token, value);
                case "span" -> span = integer(token, value);
                case "w" -> {
                    if (family == Family.WRN || family == Family.IMAGENET) {
                        throw new IllegalArgumentException("'" + token + "': the width of " + head.group() + " is fixed");
                    }
                    widen = integer(token, value);
                }
                case "dropout" -> between = rate(token, value);
                case "predrop" -> before = rate(token, value);
                case "fcdrop" -> classifier = rate(token, value);
                default -> throw new IllegalArgumentException("unknown variant '" + token + "'");
            }
        }
        if (family == Family.PLAIN && shortcut != null) {
            throw new IllegalArgumentException("a plain net has no shortcuts, so no shortcut option");
        }
        if (block == null) {
            block = span != null && span != 3 ? BlockType.BASIC : ResNetSpec.defaultBlock(family, depth);
        }
        return new ResNetSpec(family, depth, block, shortcut != null ? shortcut : family.defaultShortcut(block), kernel,
                span != null ? span : ResNetSpec.defaultSpan(block), widen, new Dropout(before, between, classifier),
                numClasses, input);
    }

    /** The canonical name: family and depth, then every choice that differs from its default. */
    public static String nameOf(ResNetSpec spec) {
        Family family = spec.family();
        StringBuilder name = new StringBuilder(family == Family.WRN
                ? "wrn-" + spec.depth() + "-" + spec.widen()
                : family.prefix + spec.depth());
        if (spec.block() != ResNetSpec.defaultBlock(family, spec.depth()) && family != Family.IMAGENET) {
            name.append('-').append(spec.block().name().toLowerCase(Locale.ROOT));
        }
        if (spec.shortcut() != family.defaultShortcut(spec.block())) {
            name.append('-').append(spec.shortcut());
        }
        if (spec.kernel() != 3) {
            name.append("-k").append(spec.kernel());
        }
        if (spec.span() != ResNetSpec.defaultSpan(spec.block())) {
            name.append("-span").append(spec.span());
        }
        if (spec.widen() != 1 && family != Family.WRN) {
            name.append("-w").append(spec.widen());
        }
        appendRate(name, "dropout", spec.dropout().betweenConvs());
        appendRate(name, "predrop", spec.dropout().beforeConvs());
        appendRate(name, "fcdrop", spec.dropout().beforeClassifier());
        return name.toString();
    }

    private static void appendRate(StringBuilder name, String kind, double rate) {
        if (rate > 0) {
            name.append('-').append(kind).append(BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString());
        }
    }

    private static int integer(String token, String value) {
        if (!value.matches("\\d+")) {
            throw new IllegalArgumentException("'" + token + "' needs a whole number");
        }
        return Integer.parseInt(value);
    }

    private static double rate(String token, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + token + "' needs a rate such as 0.3");
        }
    }
}
